/* The store's entry points that are not about one kind of object: opening a database,
 * the row helpers every file uses, tenants and API keys. */
#include "store/sql_int.h"

#include <stdlib.h>
#include <string.h>

#include "store/avail_cache.h"
#include "store/store_notify.h"
#include "store/store_stats.h"
#include "util/ids.h"
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
	st->avail_cache = avail_cache_new((size_t)AVAIL_CACHE_DEFAULT_MB << 20);
	pthread_cond_init(&st->pool_cond, NULL);
	rc = url[0] == 's' ? store_open_sqlite(st, url + 7, e) : store_open_pg(st, url, e);
	/* Bookings from before the analytics summary are summarised once. */
	if (!rc)
		rc = store_stats_backfill(st, e);
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

static void read_i64_row(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	*(int64_t *)dst = db_col_i64(s, 0);
}

int tenant_i64(struct store_tx *tx, const char *sql, int64_t *out, const char *what,
	       struct err *e)
{
	return tenant_row_read(tx, sql, read_i64_row, out, what, e) < 0 ? -1 : 0;
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

int delete_row(struct store_tx *tx, const char *sql, const char *id, const char *owner,
	       const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	if (owner)
		bind_text(s, 3, owner);
	if (step_done(tx->c, s, what, e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "%s %s not found", what, id);
	return 0;
}

struct stmt *row_by_id(struct store_tx *tx, const char *sql, const char *id, const char *what,
		       struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);
	int rc;

	if (!s)
		return NULL;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	rc = db_step(s);
	if (rc == DB_ROW)
		return s;
	db_reset(s);
	if (rc == DB_DONE)
		err_set(e, ERR_NOT_FOUND, "%s %s not found", what, id);
	else
		sql_fail(tx->c, rc, what, e);
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

/* --- tenants --- */

int tx_tenant_insert(struct store_tx *tx, const char *slug, const char *name, int64_t now,
		     struct err *e)
{
	struct conn *c = tx->c;
	struct stmt *s = conn_prep(c, "SELECT 1 FROM tenants WHERE slug = ?1", e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, slug);
	rc = db_step(s);
	db_reset(s);
	if (rc == DB_ROW)
		return err_set(e, ERR_CONFLICT, "a tenant with slug %s already exists", slug);
	if (rc != DB_DONE)
		return sql_fail(c, rc, "find tenant", e);
	s = conn_prep(c, "INSERT INTO tenants(id, slug, name, created_at) VALUES (?1, ?2, ?3, ?4)",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, slug);
	bind_text(s, 3, name);
	db_bind_i64(s, 4, now);
	if (step_done(c, s, "create tenant", e))
		return -1;
	/* The availability revision its writes bump (slotd copy brings the source's). */
	s = conn_prep(c, "INSERT INTO avail_revisions(tenant_id, rev) VALUES (?1, 1)", e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	return step_done(c, s, "create tenant", e);
}

int tx_tenant_find(struct store_tx *tx, const char *slug, char tenant_id[ID_MAX],
		   char *link_secret, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "SELECT id, link_secret FROM tenants WHERE slug = ?1", e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, slug);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, tenant_id, ID_MAX);
		if (link_secret)
			col_text(s, 1, link_secret, TOKEN_MAX);
	}
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "no tenant with slug %s", slug);
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "find tenant", e);
	return 0;
}

int tx_tenant_info(struct store_tx *tx, bool make, struct tenant_info *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT slug, name, link_secret FROM tenants WHERE id = ?1", e);
	int rc;

	memset(out, 0, sizeof(*out));
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, out->slug, sizeof(out->slug));
		col_text(s, 1, out->name, sizeof(out->name));
		col_text(s, 2, out->link_secret, sizeof(out->link_secret));
	}
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_NOT_FOUND, "tenant %s not found", tx->tenant);
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "read tenant", e);
	if (*out->link_secret || !make)
		return 0;
	/* Two first bookings may run side by side (PostgreSQL, distinct providers): the one
	 * that updates the row second waits for the first's commit and keeps its key. */
	token_new(out->link_secret, "lk");
	s = conn_prep(tx->c,
		      "UPDATE tenants SET link_secret = coalesce(nullif(link_secret, ''), ?2)"
		      " WHERE id = ?1 RETURNING link_secret",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, out->link_secret);
	rc = db_step(s);
	if (rc == DB_ROW)
		col_text(s, 0, out->link_secret, sizeof(out->link_secret));
	while (rc == DB_ROW)
		rc = db_step(s);
	db_reset(s);
	return rc == DB_DONE ? 0 : sql_fail(tx->c, rc, "store the tenant's link key", e);
}

/* --- API keys --- */

#define KEY_COLS "id, name, role, scoped, expires_at, last_used_at, created_at"

static int key_providers_read(struct store_tx *tx, struct api_key *k, struct arena *a,
			      struct err *e)
{
	return ids_read(tx,
			"SELECT provider_id FROM api_key_providers WHERE tenant_id = ?1"
			" AND key_id = ?2 ORDER BY provider_id",
			k->id, KEY_MAX_PROVIDERS, a, &k->provider_ids, &k->nproviders,
			"read key providers", e);
}

static void read_key(struct stmt *s, struct arena *a, void *dst)
{
	struct api_key *k = dst;

	(void)a;
	memset(k, 0, sizeof(*k));
	col_text(s, 0, k->id, sizeof(k->id));
	col_text(s, 1, k->name, sizeof(k->name));
	role_parse(db_col_text(s, 2), &k->role);
	k->scoped = db_col_int(s, 3) != 0;
	k->expires_at = col_opt_i64(s, 4);
	k->last_used_at = col_opt_i64(s, 5);
	k->created_at = db_col_i64(s, 6);
}

int tx_key_insert(struct store_tx *tx, const struct api_key *k, const char *key_hash,
		  struct err *e)
{
	struct conn *c = tx->c;
	struct stmt *s = conn_prep(c,
				    "INSERT INTO api_keys(key_hash, tenant_id, " KEY_COLS
				    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, key_hash);
	bind_text(s, 2, tx->tenant);
	bind_text(s, 3, k->id);
	bind_text(s, 4, k->name);
	bind_text(s, 5, role_name(k->role));
	db_bind_i64(s, 6, k->scoped);
	bind_opt_i64(s, 7, k->expires_at);
	bind_opt_i64(s, 8, k->last_used_at);
	db_bind_i64(s, 9, k->created_at);
	if (step_done(c, s, "add key", e))
		return -1;
	if (tx_providers_exist(tx, (const id_t_ *)k->provider_ids, k->nproviders, "/provider_ids",
			       e))
		return -1;
	return ids_link(tx,
			"INSERT INTO api_key_providers(tenant_id, key_id, provider_id)"
			" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
			k->id, (const id_t_ *)k->provider_ids, k->nproviders, "limit key", e);
}

static int key_get(struct store_tx *tx, const char *sql, const char *id, struct arena *a,
		   struct api_key *out, struct err *e)
{
	struct stmt *s = row_by_id(tx, sql, id, "key", e);

	if (!s)
		return -1;
	read_key(s, NULL, out);
	db_reset(s);
	return key_providers_read(tx, out, a, e);
}

int tx_key_get(struct store_tx *tx, const char *id, struct arena *a, struct api_key *out,
	       struct err *e)
{
	return key_get(tx,
		       "SELECT " KEY_COLS " FROM api_keys WHERE tenant_id = ?1 AND id = ?2"
		       " AND revoked_at IS NULL",
		       id, a, out, e);
}

int tx_key_any(struct store_tx *tx, const char *id, struct arena *a, struct api_key *out,
	       struct err *e)
{
	return key_get(tx, "SELECT " KEY_COLS " FROM api_keys WHERE tenant_id = ?1 AND id = ?2",
		       id, a, out, e);
}

int tx_key_list(struct store_tx *tx, struct page pg, struct arena *a, struct api_key **out,
		size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " KEY_COLS " FROM api_keys WHERE tenant_id = ?1"
				    " AND id > ?2 AND revoked_at IS NULL ORDER BY id LIMIT ?3",
				    e);
	size_t i;

	if (page_read(tx, s, pg, read_key, sizeof(**out), a, (void **)out, n, "list keys", e))
		return -1;
	for (i = 0; i < *n; i++)
		if (key_providers_read(tx, &(*out)[i], a, e))
			return -1;
	return 0;
}

int tx_key_revoke(struct store_tx *tx, const char *id, int64_t now,
		  char key_hash[TOKEN_HASH_MAX], struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT key_hash FROM api_keys WHERE tenant_id = ?1 AND id = ?2"
				   " AND revoked_at IS NULL",
				   id, "key", e);

	if (!s)
		return -1;
	col_text(s, 0, key_hash, TOKEN_HASH_MAX);
	db_reset(s);
	s = conn_prep(tx->c, "UPDATE api_keys SET revoked_at = ?3 WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "revoke key", e);
}

int tx_key_admins(struct store_tx *tx, int64_t now, int *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT count(*) FROM api_keys WHERE tenant_id = ?1"
				    " AND role = 'admin' AND revoked_at IS NULL"
				    " AND (expires_at IS NULL OR expires_at > ?2)",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	db_bind_i64(s, 2, now);
	rc = db_step(s);
	if (rc == DB_ROW)
		*n = db_col_int(s, 0);
	db_reset(s);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "count admin keys", e);
}

int tx_auth(struct store_tx *tx, const char *key_hash, struct auth *out, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT tenant_id, role, id, expires_at, scoped, last_used_at FROM api_keys"
				    " WHERE key_hash = ?1 AND revoked_at IS NULL",
				    e);
	int rc;

	if (!s)
		return -1;
	memset(out, 0, sizeof(*out));
	bind_text(s, 1, key_hash);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, out->tenant_id, sizeof(out->tenant_id));
		col_text(s, 2, out->key_id, sizeof(out->key_id));
		out->expires_at = col_opt_i64(s, 3);
		out->scoped = db_col_int(s, 4) != 0;
		out->last_used_at = col_opt_i64(s, 5);
		if (role_parse(db_col_text(s, 1), &out->role))
			rc = DB_DONE;
	}
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_UNAUTHORIZED, "API key is not valid");
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "look up key", e);
	if (!out->scoped)
		return 0;
	s = conn_prep(tx->c,
		      "SELECT provider_id FROM api_key_providers WHERE tenant_id = ?1 AND key_id = ?2"
		      " ORDER BY provider_id",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, out->tenant_id);
	bind_text(s, 2, out->key_id);
	while ((rc = db_step(s)) == DB_ROW && out->nscope < KEY_MAX_PROVIDERS)
		col_text(s, 0, out->scope[out->nscope++], ID_MAX);
	db_reset(s);
	if (rc != DB_DONE && rc != DB_ROW)
		return sql_fail(tx->c, rc, "read key providers", e);
	return 0;
}

int store_touch(struct store *st, const char *sql, const char *tenant, const char *id,
		int64_t now, int64_t every, const char *what, struct err *e)
{
	/* No tenant lock: this row is nobody's check. SQLite still has its one writer. */
	struct conn *c = st->kind == DB_PG ? conn_get(st, e) : db_write_begin(st, "", e);
	struct stmt *s;
	int rc = -1;

	if (!c)
		return -1;
	s = conn_prep(c, sql, e);
	if (s) {
		bind_text(s, 1, tenant);
		bind_text(s, 2, id);
		db_bind_i64(s, 3, now);
		db_bind_i64(s, 4, now - every);
		rc = step_done(c, s, what, e);
	}
	if (st->kind == DB_PG)
		conn_put(st, c);
	else if (db_write_end(st, c, rc == 0, e))
		rc = -1;
	return rc;
}

int store_key_touch(struct store *st, const char *key_id, int64_t now, struct err *e)
{
	return store_touch(st,
			   "UPDATE api_keys SET last_used_at = ?3 WHERE id = ?2"
			   " AND (last_used_at IS NULL OR last_used_at < ?4)",
			   "", key_id, now, 60, "record key use", e);
}
