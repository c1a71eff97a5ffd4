/* The SQL layer under the store: the PostgreSQL rewrite of the store's queries, and the
 * driver-neutral statement calls on a real SQLite file (binding, column kinds, NULLs,
 * changed rows, failures translated into store errors). The PostgreSQL driver itself runs
 * under the API suite (ctest api_pg) against a real server. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "store/db.h"
#include "store/store.h"

static void rewrite_is(const char *sql, const char *want, int want_n)
{
	int n = -1;
	char *got = pg_rewrite(sql, &n);
	assert_string_equal(got, want);
	assert_int_equal(n, want_n);
	free(got);
}

static void test_rewrite(void **state)
{
	(void)state;
	rewrite_is("SELECT 1", "SELECT 1", 0);
	rewrite_is("SELECT a FROM t WHERE x = ?1 AND y = ?2 OR ?1 IS NULL",
		   "SELECT a FROM t WHERE x = $1 AND y = $2 OR $1 IS NULL", 2);
	rewrite_is("INSERT INTO t VALUES (?, ?, ?)", "INSERT INTO t VALUES ($1, $2, $3)", 3);
	rewrite_is("SELECT ?12", "SELECT $12", 12);
	/* A question mark inside a string literal is text, not a parameter. */
	rewrite_is("SELECT 'why?' || ?1, '?2'", "SELECT 'why?' || $1, '?2'", 1);
	rewrite_is("SELECT a FROM bookings INDEXED BY bookings_active_by_provider WHERE b = ?3",
		   "SELECT a FROM bookings WHERE b = $3", 3);
}

static struct store *open_temp(char *path, size_t size)
{
	struct store *st = NULL;
	struct err e;
	char url[300];
	int fd;

	snprintf(path, size, "/tmp/slotd_test_db_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	unlink(path);
	snprintf(url, sizeof(url), "sqlite:%s", path);
	err_init(&e);
	assert_int_equal(store_open(url, &st, &e), 0);
	return st;
}

static void remove_temp(struct store *st, const char *path)
{
	char side[320];

	store_close(st);
	unlink(path);
	snprintf(side, sizeof(side), "%s-wal", path);
	unlink(side);
	snprintf(side, sizeof(side), "%s-shm", path);
	unlink(side);
}

static void test_statements_on_sqlite(void **state)
{
	static const char create[] = "CREATE TABLE kv (k TEXT PRIMARY KEY, n INTEGER, t TEXT)";
	static const char put[] = "INSERT INTO kv(k, n, t) VALUES (?1, ?2, ?3)";
	static const char get[] = "SELECT n, t, k FROM kv WHERE k = ?1";
	static const char bump[] = "UPDATE kv SET n = n + 1 WHERE n IS NOT NULL";
	char path[256];
	struct store *st = open_temp(path, sizeof(path));
	struct conn *c;
	struct stmt *s;
	struct err e;

	(void)state;
	err_init(&e);
	c = db_write_begin(st, "t1", &e);
	assert_non_null(c);
	assert_int_equal(conn_exec(c, create, &e), 0);
	s = conn_prep(c, put, &e);
	assert_non_null(s);
	bind_text(s, 1, "a");
	db_bind_i64(s, 2, INT64_C(9007199254740993));	/* beyond a double's exact range */
	bind_opt_text(s, 3, "");			/* "" is stored as NULL */
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(c), 1);
	/* The cache gives the same statement back, reset and with nothing bound. */
	assert_ptr_equal(conn_prep(c, put, &e), s);
	bind_text(s, 1, "b");
	assert_int_equal(db_step(s), DB_DONE);
	/* The same key again breaks the primary key: a conflict, not an internal error. */
	assert_ptr_equal(conn_prep(c, put, &e), s);
	bind_text(s, 1, "a");
	assert_int_equal(db_step(s), DB_ERROR);
	assert_int_equal(sql_fail(c, DB_ERROR, "put", &e), -1);
	assert_int_equal(e.code, ERR_CONFLICT);
	assert_null(strstr(e.message, "UNIQUE"));	/* no SQL text leaves the store */
	err_init(&e);
	db_reset(s);

	s = conn_prep(c, get, &e);
	bind_text(s, 1, "a");
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_count(s), 3);
	assert_int_equal(db_col_kind(s, 0), DB_COL_INT);
	assert_true(db_col_i64(s, 0) == INT64_C(9007199254740993));
	assert_int_equal(db_col_kind(s, 1), DB_COL_NULL);
	assert_true(db_col_null(s, 1));
	assert_null(db_col_text(s, 1));
	assert_int_equal(db_col_kind(s, 2), DB_COL_TEXT);
	assert_string_equal(db_col_text(s, 2), "a");
	assert_int_equal(db_step(s), DB_DONE);
	db_reset(s);

	/* Row "b" has n NULL: only "a" is bumped. */
	s = conn_prep(c, bump, &e);
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_changes(c), 1);
	assert_int_equal(db_write_end(st, c, true, &e), 0);

	/* A read connection sees the committed rows. */
	c = conn_get(st, &e);
	assert_non_null(c);
	assert_int_equal(read_begin(c, &e), 0);
	s = conn_prep(c, get, &e);
	bind_text(s, 1, "a");
	assert_int_equal(db_step(s), DB_ROW);
	assert_true(db_col_i64(s, 0) == INT64_C(9007199254740994));
	db_reset(s);
	read_end(c);
	conn_put(st, c);
	remove_temp(st, path);
}

static void test_rolled_back_writes_leave_nothing(void **state)
{
	static const char put[] = "INSERT INTO tenants(id, slug, name, created_at)"
				  " VALUES (?1, ?2, 'x', 0)";
	static const char count[] = "SELECT count(*) FROM tenants";
	char path[256];
	struct store *st = open_temp(path, sizeof(path));
	struct conn *c;
	struct stmt *s;
	struct err e;

	(void)state;
	err_init(&e);
	c = db_write_begin(st, "t1", &e);
	s = conn_prep(c, put, &e);
	bind_text(s, 1, "ten_1");
	bind_text(s, 2, "one");
	assert_int_equal(db_step(s), DB_DONE);
	assert_int_equal(db_write_end(st, c, false, &e), 0);

	c = conn_get(st, &e);
	s = conn_prep(c, count, &e);
	assert_int_equal(db_step(s), DB_ROW);
	assert_int_equal(db_col_i64(s, 0), 0);
	db_reset(s);
	conn_put(st, c);
	remove_temp(st, path);
}

static void test_rerun_only_for_lost_transactions(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	err_set(&e, ERR_STORE_BUSY, "database is busy");
	assert_false(store_rerun(&e, 1));		/* busy, but not a lost transaction */
	e.rerun = true;
	assert_true(store_rerun(&e, 1));
	assert_int_equal(e.code, ERR_OK);	/* cleared for the next attempt */
	assert_false(e.rerun);
	e.rerun = true;
	assert_true(store_rerun(&e, STORE_RERUNS));
	e.rerun = true;
	assert_false(store_rerun(&e, STORE_RERUNS + 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite),
		cmocka_unit_test(test_statements_on_sqlite),
		cmocka_unit_test(test_rolled_back_writes_leave_nothing),
		cmocka_unit_test(test_rerun_only_for_lost_transactions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
