/* Group commit for a database written through one connection (SQLite's writer, db_sqlite.c):
 * the write transactions of several threads run one after another inside one database
 * transaction, made durable by one COMMIT (one sync for the lot).
 *
 * The connection passes from thread to thread like a baton, in the order the threads asked
 * for it; each thread runs its own transaction function, so what is thread-local (a request's
 * id in the log) stays right. The first writer of a batch begins the transaction; each later
 * one runs inside a savepoint of its own, so its failure is undone alone and the others'
 * work stays. A writer that finishes while others wait hands over the connection with the
 * transaction still open; the one that finds nobody waiting, or the batch full (max_members
 * writers, or open for max_ns), commits. A writer returns from batch_leave only after the
 * COMMIT that holds its work succeeded. When that COMMIT fails, or the transaction is lost
 * midway (SQLite rolls a transaction back by itself after some errors), every writer of the
 * batch gets the failure, marked rerun: nothing of theirs persisted. A failed writer that was
 * not the first of its batch waits for the batch's end as well, since what it was refused may
 * rest on an earlier writer's work; if the batch fails, it is told to run again.
 *
 * Switched off, every writer begins and commits a transaction of its own (same order).
 * Not part of the store interface. */
#ifndef SLOTD_STORE_BATCH_H
#define SLOTD_STORE_BATCH_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "util/err.h"

/* The connection's statements, each returning 0 / -1 with e set (arg: batch_init's). */
struct batch_ops {
	int (*begin)(void *arg, struct err *e);		/* opens a write transaction */
	int (*mark)(void *arg, struct err *e);		/* a savepoint for the next writer */
	int (*keep)(void *arg, struct err *e);		/* releases it, keeping its work */
	int (*undo)(void *arg, struct err *e);		/* rolls back to it and releases it */
	int (*commit)(void *arg, struct err *e);
	void (*rollback)(void *arg);			/* the whole transaction, if still open */
	bool (*open)(void *arg);			/* a transaction is open */
};

struct batch_waiter;

struct batch {
	const struct batch_ops *ops;	/* NULL until batch_init */
	void *arg;
	unsigned max_members;
	int64_t max_ns;
	pthread_mutex_t mu;
	/* Under mu. */
	bool on;
	bool busy;			/* a writer holds the connection */
	struct batch_waiter *head, *tail;	/* writers waiting for it, in arrival order */
	struct batch_waiter *done;	/* writers of the open batch waiting for its COMMIT */
	bool open;			/* a transaction holds the batch */
	unsigned members;		/* writers that joined it, failed ones too */
	unsigned kept;			/* writers whose work it holds */
	int64_t opened_ns;
	/* The holder's: it runs inside a savepoint (it is not the first of its batch). */
	bool marked;
};

/* max_members >= 1 (1: every writer commits alone), max_ns > 0. */
void batch_init(struct batch *b, const struct batch_ops *ops, void *arg, unsigned max_members,
		int64_t max_ns);
void batch_destroy(struct batch *b);
/* Group commit on (the default after batch_init) or off. */
void batch_set_on(struct batch *b, bool on);
/* Waits for the connection and opens this writer's part of a transaction. -1 with e set when
 * it could not (nothing to end then). */
int batch_enter(struct batch *b, struct err *e);
/* Ends the part batch_enter opened. ok: keeps its work and returns 0 once that work is
 * committed, or -1 with e set when the batch's COMMIT failed or its transaction was lost
 * (e->rerun then, unless the writer was alone in it). Not ok: undoes its work and returns 0
 * (e as the writer left it), or -1 with e replaced by the failure of the batch it waited
 * for (e->rerun). */
int batch_leave(struct batch *b, bool ok, struct err *e);

#endif
