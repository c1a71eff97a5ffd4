/* Group commit (src/store/batch.c): writers on many threads take turns at one connection and
 * commit in batches. First against a model connection that records what each COMMIT made
 * durable, so the test can check that every writer returns only after the COMMIT holding its
 * work, that a refused writer's work never commits while the others' does, that a failed
 * COMMIT or a lost transaction fails every writer of its batch (rerun), and the bounds; then
 * against a real SQLite store through store_begin / store_end. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <pthread.h>

#include "store/batch.h"
#include "store/db.h"
#include "store/store.h"
#include "util/metrics.h"

#define THREADS 12
#define PER_THREAD 60
#define WRITES (THREADS * PER_THREAD)

/* The model connection: the open transaction's writes (ids), a savepoint, and the ids each
 * COMMIT made durable. Only the writer holding the turn touches the transaction. */
struct model {
	bool open;
	int pending[WRITES];
	int npending;
	int mark;			/* npending at the savepoint, -1 none */
	atomic_int committed[WRITES];	/* 1 once a COMMIT made the id durable */
	atomic_int commits;
	atomic_int biggest;		/* most ids in one COMMIT */
	atomic_int fail_commits;	/* the next COMMITs of more than one write to fail */
	atomic_int begins_while_open;	/* BEGIN inside a transaction: a bug */
};

static struct model m;

static int m_begin(void *arg, struct err *e)
{
	(void)arg, (void)e;
	if (m.open)
		atomic_fetch_add(&m.begins_while_open, 1);
	m.open = true;
	m.npending = 0;
	m.mark = -1;
	return 0;
}

static int m_mark(void *arg, struct err *e)
{
	(void)arg, (void)e;
	m.mark = m.npending;
	return 0;
}

static int m_keep(void *arg, struct err *e)
{
	(void)arg, (void)e;
	m.mark = -1;
	return 0;
}

static int m_undo(void *arg, struct err *e)
{
	(void)arg, (void)e;
	m.npending = m.mark;
	m.mark = -1;
	return 0;
}

static int m_commit(void *arg, struct err *e)
{
	int i;

	(void)arg;
	usleep(300);	/* the sync: writers arriving meanwhile queue up */
	if (m.npending > 1 && atomic_load(&m.fail_commits) > 0) {
		atomic_fetch_sub(&m.fail_commits, 1);
		return err_set(e, ERR_STORE_FULL, "model: no space");
	}
	for (i = 0; i < m.npending; i++)
		atomic_store(&m.committed[m.pending[i]], 1);
	if (m.npending > atomic_load(&m.biggest))
		atomic_store(&m.biggest, m.npending);
	atomic_fetch_add(&m.commits, 1);
	m.open = false;
	m.npending = 0;
	return 0;
}

static void m_rollback(void *arg)
{
	(void)arg;
	m.open = false;
	m.npending = 0;
}

static bool m_open(void *arg)
{
	(void)arg;
	return m.open;
}

static const struct batch_ops model_ops = {m_begin, m_mark, m_keep, m_undo, m_commit,
					   m_rollback, m_open};

/* What a writer thread does with write id: ok, refused (its work undone), or a failure that
 * loses the whole transaction (as SQLite's rollback after SQLITE_FULL). */
enum fate { OK, REFUSE, LOSE };

struct run {
	struct batch b;
	enum fate (*fate)(int id);
	unsigned work_us;
	/* Results, per id. */
	int rc[WRITES];
	bool rerun[WRITES];
	int durable_at_return[WRITES];	/* committed[id] when batch_leave returned */
	atomic_int reruns;
};

static void *writer(void *arg)
{
	struct run *r = ((void **)arg)[0];
	int t = (int)(intptr_t)((void **)arg)[1], k;

	for (k = 0; k < PER_THREAD; k++) {
		int id = t * PER_THREAD + k, attempt;
		for (attempt = 0; attempt < 5; attempt++) {
			enum fate f = r->fate(id);
			struct err e;
			int rc;
			err_init(&e);
			if (batch_enter(&r->b, &e))
				continue;
			m.pending[m.npending++] = id;
			if (r->work_us)
				usleep(r->work_us);
			if (f == LOSE) {
				m.open = false;		/* the database rolled everything back */
				m.npending = 0;
			}
			rc = batch_leave(&r->b, f == OK, &e);
			r->rc[id] = f == OK ? rc : -1;
			r->rerun[id] = e.rerun;
			r->durable_at_return[id] = atomic_load(&m.committed[id]);
			if (!(rc && e.rerun))
				break;
			atomic_fetch_add(&r->reruns, 1);
		}
	}
	return NULL;
}

static void run_writers(struct run *r)
{
	pthread_t th[THREADS];
	void *args[THREADS][2];
	int t;

	for (t = 0; t < THREADS; t++) {
		args[t][0] = r;
		args[t][1] = (void *)(intptr_t)t;
		assert_int_equal(pthread_create(&th[t], NULL, writer, args[t]), 0);
	}
	for (t = 0; t < THREADS; t++)
		pthread_join(th[t], NULL);
}

static struct run *run_new(unsigned max_members, int64_t max_ns, enum fate (*fate)(int))
{
	struct run *r = calloc(1, sizeof(*r));

	memset(&m, 0, sizeof(m));
	batch_init(&r->b, &model_ops, NULL, max_members, max_ns);
	r->fate = fate;
	return r;
}

static void run_free(struct run *r)
{
	batch_destroy(&r->b);
	free(r);
}

static enum fate all_ok(int id)
{
	(void)id;
	return OK;
}

static enum fate every_third_refused(int id)
{
	return id % 3 == 1 ? REFUSE : OK;
}

static void test_batches_form_and_answer_after_commit(void **state)
{
	struct run *r = run_new(64, 50 * 1000000LL, all_ok);
	int id;

	(void)state;
	r->work_us = 20;
	run_writers(r);
	for (id = 0; id < WRITES; id++) {
		assert_int_equal(r->rc[id], 0);
		/* Returned only once durable. */
		assert_int_equal(r->durable_at_return[id], 1);
	}
	assert_int_equal(atomic_load(&m.begins_while_open), 0);
	assert_false(m.open);
	/* Fewer COMMITs than writes: the writers waiting together shared them. */
	assert_true(atomic_load(&m.commits) < WRITES / 2);
	assert_true(atomic_load(&m.biggest) > 1);
	run_free(r);
}

static void test_refused_writer_undone_alone(void **state)
{
	struct run *r = run_new(64, 50 * 1000000LL, every_third_refused);
	int id;

	(void)state;
	r->work_us = 20;
	run_writers(r);
	for (id = 0; id < WRITES; id++) {
		if (id % 3 == 1) {
			assert_int_equal(atomic_load(&m.committed[id]), 0);
		} else {
			assert_int_equal(r->rc[id], 0);
			assert_int_equal(r->durable_at_return[id], 1);
		}
	}
	assert_true(atomic_load(&m.biggest) > 1);
	assert_int_equal(atomic_load(&r->reruns), 0);
	run_free(r);
}

static enum fate one_loses(int id)
{
	return id == 5 * PER_THREAD + 7 ? LOSE : OK;
}

static void test_lost_transaction_reruns_the_others(void **state)
{
	struct run *r = run_new(64, 50 * 1000000LL, one_loses);
	int id;

	(void)state;
	r->work_us = 20;
	run_writers(r);
	for (id = 0; id < WRITES; id++) {
		if (id == 5 * PER_THREAD + 7) {
			assert_int_equal(atomic_load(&m.committed[id]), 0);
			continue;
		}
		/* Every other write committed, after a rerun if it shared the lost batch. */
		assert_int_equal(r->rc[id], 0);
		assert_int_equal(r->durable_at_return[id], 1);
	}
	run_free(r);
}

static void test_failed_commit_fails_its_batch(void **state)
{
	struct run *r = run_new(64, 50 * 1000000LL, all_ok);
	int id, durable = 0;

	(void)state;
	r->work_us = 20;
	atomic_store(&m.fail_commits, 3);
	run_writers(r);
	for (id = 0; id < WRITES; id++) {
		/* A write whose COMMIT failed was told so (rerun, as it was shared) and ran
		 * again. */
		if (r->rc[id] == 0) {
			assert_int_equal(r->durable_at_return[id], 1);
			durable++;
		}
	}
	assert_int_equal(durable, WRITES);
	assert_true(atomic_load(&r->reruns) > 0);
	run_free(r);
}

static void test_bounds(void **state)
{
	struct run *r = run_new(4, 50 * 1000000LL, all_ok);

	(void)state;
	r->work_us = 20;
	run_writers(r);
	assert_true(atomic_load(&m.biggest) <= 4);
	assert_true(atomic_load(&m.biggest) > 1);
	run_free(r);

	/* Each writer outlasts the time bound: every batch commits with its first writer. */
	r = run_new(64, 1000000LL, all_ok);
	r->work_us = 1500;
	run_writers(r);
	assert_int_equal(atomic_load(&m.biggest), 1);
	assert_int_equal(atomic_load(&m.commits), WRITES);
	run_free(r);
}

static void test_off_commits_each_alone(void **state)
{
	struct run *r = run_new(64, 50 * 1000000LL, every_third_refused);
	int id, ok = 0;

	(void)state;
	batch_set_on(&r->b, false);
	r->work_us = 20;
	run_writers(r);
	for (id = 0; id < WRITES; id++)
		if (id % 3 != 1) {
			assert_int_equal(r->durable_at_return[id], 1);
			ok++;
		}
	assert_int_equal(atomic_load(&m.biggest), 1);
	assert_int_equal(atomic_load(&m.commits), ok);
	run_free(r);
}

/* --- a real SQLite store --- */

struct lite_run {
	struct store *st;
	atomic_int failures;
};

static void *lite_writer(void *arg)
{
	struct lite_run *lr = ((void **)arg)[0];
	int t = (int)(intptr_t)((void **)arg)[1], k;

	for (k = 0; k < 40; k++) {
		char sql[200];
		struct err e;
		struct store_tx *tx;
		struct conn *rd;
		bool refuse = k % 5 == 4;
		int rc;

		err_init(&e);
		tx = store_begin(lr->st, "", STORE_WRITE, &e);
		if (!tx) {
			atomic_fetch_add(&lr->failures, 1);
			continue;
		}
		/* The next number after every earlier one, batch members' included: contiguous
		 * only if each writer sees the writes before it (serial order). */
		snprintf(sql, sizeof(sql),
			 "INSERT INTO seqs SELECT coalesce(max(n), 0) + 1, %d FROM seqs", t);
		rc = conn_exec(tx->c, sql, &e);
		/* A refusal: a duplicate key after a write of its own, undone together. */
		snprintf(sql, sizeof(sql), "INSERT INTO kv VALUES ('%s', %d)",
			 refuse ? "taken" : "x", t);
		if (!rc && refuse)
			rc = conn_exec(tx->c, sql, &e) == 0 ? 0 : -1;
		else if (!rc) {
			snprintf(sql, sizeof(sql), "INSERT INTO kv VALUES ('t%d-%d', %d)", t, k, t);
			rc = conn_exec(tx->c, sql, &e);
		}
		if (store_end(tx, rc == 0, &e) || rc) {
			if (!refuse)
				atomic_fetch_add(&lr->failures, 1);
			continue;
		}
		if (refuse) {
			atomic_fetch_add(&lr->failures, 1);	/* the duplicate went in */
			continue;
		}
		/* Committed: another connection sees it now. */
		rd = conn_get(lr->st, &e);
		if (!rd) {
			atomic_fetch_add(&lr->failures, 1);
			continue;
		}
		{
			struct stmt *s = conn_prep(rd, "SELECT count(*) FROM kv WHERE k = ?1", &e);
			char key[40];
			snprintf(key, sizeof(key), "t%d-%d", t, k);
			if (!s) {
				atomic_fetch_add(&lr->failures, 1);
			} else {
				bind_text(s, 1, key);
				if (db_step(s) != DB_ROW || db_col_int(s, 0) != 1)
					atomic_fetch_add(&lr->failures, 1);
				db_reset(s);
			}
		}
		conn_put(lr->st, rd);
	}
	return NULL;
}

static void test_sqlite_store(void **state)
{
	char path[64], url[80];
	struct lite_run lr;
	pthread_t th[8];
	void *args[8][2];
	struct store_tx *tx;
	struct stmt *s;
	struct err e;
	uint64_t commits0, committed0;
	int t, fd;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/slotd_test_batch_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	memset(&lr, 0, sizeof(lr));
	err_init(&e);
	assert_int_equal(store_open(url, &lr.st, &e), 0);
	commits0 = atomic_load(&store_metrics.commits);
	committed0 = atomic_load(&store_metrics.committed);
	tx = store_begin(lr.st, "", STORE_WRITE, &e);
	assert_non_null(tx);
	assert_int_equal(conn_exec(tx->c, "CREATE TABLE seqs (n INTEGER PRIMARY KEY, t INTEGER);"
				   "CREATE TABLE kv (k TEXT PRIMARY KEY, t INTEGER);"
				   "INSERT INTO kv VALUES ('taken', -1)", &e), 0);
	assert_int_equal(store_end(tx, true, &e), 0);

	for (t = 0; t < 8; t++) {
		args[t][0] = &lr;
		args[t][1] = (void *)(intptr_t)t;
		assert_int_equal(pthread_create(&th[t], NULL, lite_writer, args[t]), 0);
	}
	for (t = 0; t < 8; t++)
		pthread_join(th[t], NULL);
	assert_int_equal(atomic_load(&lr.failures), 0);

	/* 8 × 32 writes kept; their numbers run 1..256 with no gap. */
	tx = store_begin(lr.st, "", STORE_READ, &e);
	assert_non_null(tx);
	s = conn_prep(tx->c, "SELECT count(*), min(n), max(n) FROM seqs", &e);
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 256);
	assert_int_equal(db_col_int(s, 1), 1);
	assert_int_equal(db_col_int(s, 2), 256);
	db_reset(s);
	s = conn_prep(tx->c, "SELECT count(*) FROM kv", &e);
	assert_non_null(s);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_int(s, 0), 257);
	db_reset(s);
	store_end(tx, false, &e);
	/* Every kept write and the setup were committed, by fewer COMMITs than writes. */
	assert_int_equal(atomic_load(&store_metrics.committed) - committed0, 257);
	assert_true(atomic_load(&store_metrics.commits) - commits0 < 257);
	printf("sqlite: 257 writes in %llu commits\n",
	       (unsigned long long)(atomic_load(&store_metrics.commits) - commits0));
	store_close(lr.st);
	unlink(path);
	{
		char side[80];
		snprintf(side, sizeof(side), "%s-wal", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s-shm", path);
		unlink(side);
		snprintf(side, sizeof(side), "%s.key", path);
		unlink(side);
	}
}

/* --- a transaction SQLite rolled back under a writer that reported success --- */

struct second {
	struct store *st;
	int rc;
	bool rerun;
};

static void *second_writer(void *arg)
{
	struct second *w = arg;
	struct store_tx *tx;
	struct err e;

	err_init(&e);
	tx = store_begin(w->st, "", STORE_WRITE, &e);
	if (!tx) {
		w->rc = -2;
		return NULL;
	}
	w->rc = conn_exec(tx->c, "INSERT INTO kv VALUES ('b', 2)", &e);
	if (store_end(tx, w->rc == 0, &e))
		w->rc = -1;
	w->rerun = e.rerun;
	return NULL;
}

static int count_key(struct store *st, const char *key)
{
	struct store_tx *tx;
	struct stmt *s;
	struct err e;
	int n = -1;

	err_init(&e);
	tx = store_begin(st, "", STORE_READ, &e);
	assert_non_null(tx);
	s = conn_prep(tx->c, "SELECT count(*) FROM kv WHERE k = ?1", &e);
	assert_non_null(s);
	bind_text(s, 1, key);
	if (db_step(s) == DB_ROW)
		n = db_col_int(s, 0);
	db_reset(s);
	store_end(tx, false, &e);
	return n;
}

static void test_lost_under_a_successful_first_writer(void **state)
{
	char path[64], url[80], side[80];
	struct second w;
	struct store *st;
	struct store_tx *tx;
	struct err e;
	pthread_t th;
	bool queued = false;
	int fd, i;

	(void)state;
	snprintf(path, sizeof(path), "/tmp/slotd_test_batch_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	err_init(&e);
	assert_int_equal(store_open(url, &st, &e), 0);
	tx = store_begin(st, "", STORE_WRITE, &e);
	assert_non_null(tx);
	assert_int_equal(conn_exec(tx->c, "CREATE TABLE kv (k TEXT PRIMARY KEY, t INTEGER)", &e),
			 0);
	assert_int_equal(store_end(tx, true, &e), 0);

	/* The first writer of a batch writes; a second one queues for the connection. */
	tx = store_begin(st, "", STORE_WRITE, &e);
	assert_non_null(tx);
	assert_int_equal(conn_exec(tx->c, "INSERT INTO kv VALUES ('a', 1)", &e), 0);
	memset(&w, 0, sizeof(w));
	w.st = st;
	assert_int_equal(pthread_create(&th, NULL, second_writer, &w), 0);
	for (i = 0; i < 2000 && !queued; i++) {
		pthread_mutex_lock(&st->batch.mu);
		queued = st->batch.head != NULL;
		pthread_mutex_unlock(&st->batch.mu);
		if (!queued)
			usleep(1000);
	}
	assert_true(queued);
	/* SQLite rolls the transaction back by itself (as after SQLITE_FULL or an I/O error
	 * in a statement whose failure the writer did not return); the writer reports
	 * success. */
	assert_int_equal(conn_exec(tx->c, "ROLLBACK", &e), 0);
	assert_int_not_equal(store_end(tx, true, &e), 0);
	assert_true(e.rerun);
	pthread_join(th, NULL);

	/* Nothing of the first writer persisted; the second one's write is durable exactly
	 * when it was told so, and not when told to run again. */
	assert_int_equal(count_key(st, "a"), 0);
	assert_int_equal(count_key(st, "b"), w.rc == 0 ? 1 : 0);
	assert_int_equal(w.rc, 0);
	store_close(st);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s.key", path);
	unlink(side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_batches_form_and_answer_after_commit),
		cmocka_unit_test(test_refused_writer_undone_alone),
		cmocka_unit_test(test_lost_transaction_reruns_the_others),
		cmocka_unit_test(test_failed_commit_fails_its_batch),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_off_commits_each_alone),
		cmocka_unit_test(test_sqlite_store),
		cmocka_unit_test(test_lost_under_a_successful_first_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
