/* The store's entry points that are not about one kind of object: opening a database,
 * the row helpers every file uses, tenants and keys. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"

int store_open(const char *url, struct store **out, struct err *e)
{
	struct store *st;
	int rc;

	if (strncmp(url, "sqlite:", 7) != 0 && strncmp(url, "postgres://", 11) != 0 &&
	    strncmp(url, "postgresql://", 13) != 0)
		return err_set(e, ERR_INVALID,
			       "database URL must start with sqlite: or postgres:// (got %s)", url);
	st = xcalloc(1, sizeof(*st));
	pthread_mutex_init(&st->writer_lock, NULL);
	pthread_mutex_init(&st->pool_lock, NULL);
	pthread_cond_init(&st->pool_cond, NULL);
	rc = url[0] == 's' ? store_open_sqlite(st, url + 7, e) : store_open_pg(st, url, e);
	if (rc) {
		store_close(st);
		return -1;
	}
	*out = st;
	return 0;
}

int step_done(struct conn *c, struct stmt *s, const char *what, struct err *e)
{
	int rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE ? 0 : sql_fail(c, rc, what, e);
}

void col_text(struct stmt *s, int i, char *out, size_t size)
{
	const char *t = db_col_text(s, i);
	snprintf(out, size, "%s", t ? t : "");
}

const char *col_str(struct stmt *s, int i, struct arena *a)
{
	const char *t = db_col_text(s, i);
	return arena_strdup(a, t ? t : "");
}

/* Deletes one row by (tenant, id) from a table named in sql; ERR_NOT_FOUND when no row. */
int delete_row(struct store *st, const char *sql, const char *tenant, const char *id,
		      const char *owner, const char *what, struct err *e)
{
	struct conn *c = tx_begin(st, tenant, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, sql, e);
	if (s) {
		bind_text(s, 1, tenant);
		bind_text(s, 2, id);
		if (owner)
			bind_text(s, 3, owner);
		ok = step_done(c, s, what, e) == 0;
		if (ok && db_changes(c) == 0) {
			ok = false;
			err_set(e, ERR_NOT_FOUND, "%s not found", id);
		}
	}
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

struct stmt *row_by_id(struct conn *c, const char *sql, const char *tenant, const char *id,
			const char *what, struct err *e)
{
	struct stmt *s = conn_prep(c, sql, e);
	int rc;

	if (!s)
		return NULL;
	bind_text(s, 1, tenant);
	bind_text(s, 2, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		return s;
	db_reset(s);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "%s %s not found", what, id);
	else
		sql_fail(c, rc, what, e);
	return NULL;
}

int store_ping(struct store *st, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT 1", e);
	if (s && db_step(s) == DB_ROW)
		rc = 0;
	else if (s)
		sql_fail(c, DB_ERROR, "ping", e);
	if (s)
		db_reset(s);
	conn_put(st, c);
	return rc;
}

/* --- tenants and keys --- */

int store_tenant_create(struct store *st, const char *tenant_id, const char *slug,
			const char *name, const char *key_hash, int64_t now, struct err *e)
{
	static const char sql[] =
		"INSERT INTO tenants(id, slug, name, created_at) VALUES (?1, ?2, ?3, ?4)";
	static const char dup[] = "SELECT 1 FROM tenants WHERE slug = ?1";
	struct conn *c = tx_begin(st, tenant_id, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, dup, e);
	if (!s)
		goto out;
	bind_text(s, 1, slug);
	switch (db_step(s)) {
	case DB_ROW:
		db_reset(s);
		err_set(e, ERR_CONFLICT, "a tenant with slug %s already exists", slug);
		goto out;
	case DB_DONE:
		db_reset(s);
		break;
	default:
		db_reset(s);
		sql_fail(c, DB_ERROR, "find tenant", e);
		goto out;
	}
	s = conn_prep(c, sql, e);
	if (!s)
		goto out;
	bind_text(s, 1, tenant_id);
	bind_text(s, 2, slug);
	bind_text(s, 3, name);
	db_bind_i64(s, 4, now);
	if (step_done(c, s, "create tenant", e))
		goto out;
	s = conn_prep(c, "INSERT INTO api_keys(key_hash, tenant_id, role, created_at) "
			 "VALUES (?1, ?2, 'admin', ?3)", e);
	if (!s)
		goto out;
	bind_text(s, 1, key_hash);
	bind_text(s, 2, tenant_id);
	db_bind_i64(s, 3, now);
	ok = step_done(c, s, "create key", e) == 0;
out:
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_tenant_find(struct store *st, const char *slug, char tenant_id[ID_MAX], struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT id FROM tenants WHERE slug = ?1", e);
	if (s) {
		int step;
		bind_text(s, 1, slug);
		if ((step = db_step(s)) == DB_ROW) {
			col_text(s, 0, tenant_id, ID_MAX);
			rc = 0;
		} else if (step == DB_DONE) {
			err_set(e, ERR_NOT_FOUND, "no tenant with slug %s", slug);
		} else {
			sql_fail(c, step, "find tenant", e);
		}
		db_reset(s);
	}
	conn_put(st, c);
	return rc;
}

int store_key_add(struct store *st, const char *tenant_id, const char *key_hash, enum role role,
		  int64_t now, struct err *e)
{
	struct conn *c = tx_begin(st, tenant_id, e);
	struct stmt *s;
	bool ok = false;

	if (!c)
		return -1;
	s = conn_prep(c, "INSERT INTO api_keys(key_hash, tenant_id, role, created_at) "
			 "VALUES (?1, ?2, ?3, ?4)", e);
	if (s) {
		bind_text(s, 1, key_hash);
		bind_text(s, 2, tenant_id);
		bind_text(s, 3, role_name(role));
		db_bind_i64(s, 4, now);
		ok = step_done(c, s, "add key", e) == 0;
	}
	if (tx_end(st, c, ok, e))
		return -1;
	return ok ? 0 : -1;
}

int store_auth(struct store *st, const char *key_hash, struct auth *out, struct err *e)
{
	struct conn *c = conn_get(st, e);
	struct stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, "SELECT tenant_id, role FROM api_keys WHERE key_hash = ?1", e);
	if (s) {
		int step;
		bind_text(s, 1, key_hash);
		if ((step = db_step(s)) == DB_ROW) {
			col_text(s, 0, out->tenant_id, sizeof(out->tenant_id));
			if (role_parse(db_col_text(s, 1), &out->role) == 0)
				rc = 0;
			else
				err_set(e, ERR_UNAUTHORIZED, "API key has an unknown role");
		} else if (step == DB_DONE) {
			err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
		} else {
			sql_fail(c, step, "look up key", e);
		}
		db_reset(s);
	}
	conn_put(st, c);
	return rc;
}
