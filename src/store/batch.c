/* Group commit of one connection's write transactions: see batch.h. */
#include "store/batch.h"

#include <stdatomic.h>
#include <string.h>

#include "util/metrics.h"

/* A writer waiting for its turn at the connection (in the queue) or, its part done, for the
 * end of its batch (on the done list). Lives on the writer's stack. */
struct batch_waiter {
	struct batch_waiter *next;
	pthread_cond_t cv;
	bool ready;		/* its turn came, or its batch ended */
	int rc;			/* what batch_leave returns, once ready */
	struct err *e;		/* the writer's: replaced when the batch fails */
};

static void waiter_init(struct batch_waiter *w, struct err *e, int rc)
{
	memset(w, 0, sizeof(*w));
	pthread_cond_init(&w->cv, NULL);
	w->e = e;
	w->rc = rc;
}

static void waiter_wait(struct batch *b, struct batch_waiter *w)
{
	while (!w->ready)
		pthread_cond_wait(&w->cv, &b->mu);
}

void batch_init(struct batch *b, const struct batch_ops *ops, void *arg, unsigned max_members,
		int64_t max_ns)
{
	memset(b, 0, sizeof(*b));
	pthread_mutex_init(&b->mu, NULL);
	b->ops = ops;
	b->arg = arg;
	b->max_members = max_members ? max_members : 1;
	b->max_ns = max_ns > 0 ? max_ns : 1;
	b->on = true;
}

void batch_destroy(struct batch *b)
{
	if (!b->ops)
		return;
	pthread_mutex_destroy(&b->mu);
	b->ops = NULL;
}

void batch_set_on(struct batch *b, bool on)
{
	pthread_mutex_lock(&b->mu);
	b->on = on;
	pthread_mutex_unlock(&b->mu);
}

/* Gives the connection to the writer that has waited longest, or frees it. Under mu. */
static void pass_turn(struct batch *b)
{
	struct batch_waiter *w = b->head;

	if (!w) {
		b->busy = false;
		return;
	}
	b->head = w->next;
	if (!b->head)
		b->tail = NULL;
	w->next = NULL;
	w->ready = true;
	pthread_cond_signal(&w->cv);
}

/* A writer's result when its batch ended with crc (0: committed; else the failure in ce,
 * which the writer is told to rerun when others shared the batch). */
static void settle(struct batch_waiter *w, int crc, const struct err *ce, bool shared)
{
	if (!crc)
		return;
	*w->e = *ce;
	w->e->rerun = w->e->rerun || shared;
	w->rc = -1;
}

/* Ends the open batch: settles the writers waiting for it and passes the turn on. Under mu. */
static void close_batch(struct batch *b, int crc, const struct err *ce, bool shared)
{
	struct batch_waiter *w = b->done, *next;

	for (; w; w = next) {
		next = w->next;		/* w may be gone once it is ready and mu is let go */
		settle(w, crc, ce, shared);
		w->ready = true;
		pthread_cond_signal(&w->cv);
	}
	b->done = NULL;
	b->open = false;
	b->members = 0;
	pass_turn(b);
}

/* The holder's part is kept or undone (rc: its own result; lost: the transaction is gone,
 * with the earlier writers' work): hand over, or commit and end the batch. */
static int finish(struct batch *b, int rc, bool kept, bool lost, struct err *e)
{
	struct batch_waiter me;
	unsigned committed;
	struct err ce;
	bool shared;
	int crc;

	err_init(&ce);
	pthread_mutex_lock(&b->mu);
	if (lost) {
		err_set(&ce, ERR_STORE_BUSY,
			"database is busy (a write committed with others was rolled back)");
		ce.rerun = true;
		close_batch(b, -1, &ce, true);
		pthread_mutex_unlock(&b->mu);
		return rc;
	}
	if (kept)
		b->kept++;
	if (b->on && b->head && b->members < b->max_members &&
	    (int64_t)mono_ns() - b->opened_ns < b->max_ns) {
		waiter_init(&me, e, rc);
		me.next = b->done;
		b->done = &me;
		pass_turn(b);
		waiter_wait(b, &me);
		pthread_mutex_unlock(&b->mu);
		pthread_cond_destroy(&me.cv);
		return me.rc;
	}
	shared = b->members > 1;
	committed = b->kept;
	pthread_mutex_unlock(&b->mu);

	/* The turn stays this writer's through the COMMIT: writers arriving meanwhile queue up
	 * and make the next batch. */
	crc = b->ops->commit(b->arg, &ce);
	if (crc) {
		b->ops->rollback(b->arg);
	} else {
		atomic_fetch_add_explicit(&store_metrics.commits, 1, memory_order_relaxed);
		atomic_fetch_add_explicit(&store_metrics.committed, committed,
					  memory_order_relaxed);
	}
	pthread_mutex_lock(&b->mu);
	close_batch(b, crc, &ce, shared);
	pthread_mutex_unlock(&b->mu);
	if (crc) {
		*e = ce;
		e->rerun = e->rerun || shared;
		return -1;
	}
	return rc;
}

int batch_enter(struct batch *b, struct err *e)
{
	struct batch_waiter w;
	bool first;

	pthread_mutex_lock(&b->mu);
	if (b->busy) {
		waiter_init(&w, NULL, 0);
		if (b->tail)
			b->tail->next = &w;
		else
			b->head = &w;
		b->tail = &w;
		waiter_wait(b, &w);
		pthread_cond_destroy(&w.cv);
	} else {
		b->busy = true;
	}
	first = !b->open;
	if (first) {
		b->open = true;
		b->members = 0;
		b->kept = 0;
		b->opened_ns = (int64_t)mono_ns();
	}
	b->members++;
	b->marked = !first;
	pthread_mutex_unlock(&b->mu);

	if (first) {
		if (!b->ops->begin(b->arg, e))
			return 0;
		pthread_mutex_lock(&b->mu);
		b->open = false;
		b->members = 0;
		pass_turn(b);
		pthread_mutex_unlock(&b->mu);
		return -1;
	}
	if (!b->ops->mark(b->arg, e))
		return 0;
	/* Nothing of this writer's to undo; the batch goes on without it. */
	finish(b, -1, false, !b->ops->open(b->arg), e);
	return -1;
}

int batch_leave(struct batch *b, bool ok, struct err *e)
{
	bool lost = false;
	struct err ignored;
	int rc = 0;

	/* Work reported done on a transaction SQLite already rolled back (after an error the
	 * writer did not return): nothing is left to keep, and handing the connection over
	 * would let the next writer's SAVEPOINT open, and its RELEASE commit, a transaction of
	 * its own outside the batch. */
	if (ok && !b->ops->open(b->arg)) {
		err_set(e, ERR_STORE_BUSY, "database is busy (the write transaction was rolled back)");
		e->rerun = true;
		ok = false, rc = -1;
	}
	if (ok && b->marked && b->ops->keep(b->arg, e))
		ok = false, rc = -1;
	if (!ok) {
		err_init(&ignored);
		if (!b->ops->open(b->arg)) {
			lost = true;		/* SQLite already rolled the transaction back */
		} else if (!b->marked) {
			b->ops->rollback(b->arg);	/* the first writer: nothing else in it */
			lost = true;
		} else if (b->ops->undo(b->arg, &ignored)) {
			b->ops->rollback(b->arg);
			lost = true;
		}
	}
	return finish(b, rc, ok, lost, e);
}
