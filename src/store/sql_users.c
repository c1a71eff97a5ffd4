/* Console users and their sessions. */
#include "store/store_users.h"

#include <stdio.h>
#include <string.h>

#include "store/sql_int.h"

#define USER_COLS                                                                              \
	"id, email, name, role, provider_id, disabled, created_at, updated_at, last_login_at"

/* Reads USER_COLS starting at column i. */
static void read_user_at(struct stmt *s, int i, struct user *u)
{
	memset(u, 0, sizeof(*u));
	col_text(s, i, u->id, sizeof(u->id));
	col_text(s, i + 1, u->email, sizeof(u->email));
	col_text(s, i + 2, u->name, sizeof(u->name));
	if (role_parse(db_col_text(s, i + 3), &u->role) || u->role != ROLE_ADMIN)
		u->role = ROLE_STAFF;	/* the schema allows admin and staff only */
	col_text(s, i + 4, u->provider_id, sizeof(u->provider_id));
	u->disabled = db_col_int(s, i + 5) != 0;
	u->created_at = db_col_i64(s, i + 6);
	u->updated_at = db_col_i64(s, i + 7);
	u->last_login_at = col_opt_i64(s, i + 8);
}

static void read_user(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	read_user_at(s, 0, dst);
}

int tx_user_insert(struct store_tx *tx, const struct user *u, const char *password_hash,
		   struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO users(tenant_id, " USER_COLS ", password_hash)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, u->id);
	bind_text(s, 3, u->email);
	bind_text(s, 4, u->name);
	bind_text(s, 5, role_name(u->role));
	bind_opt_text(s, 6, u->provider_id);
	db_bind_i64(s, 7, u->disabled);
	db_bind_i64(s, 8, u->created_at);
	db_bind_i64(s, 9, u->updated_at);
	bind_opt_i64(s, 10, u->last_login_at);
	bind_text(s, 11, password_hash);
	return step_done(tx->c, s, "add user", e);
}

int tx_user_get(struct store_tx *tx, const char *id, struct user *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " USER_COLS " FROM users WHERE tenant_id = ?1 AND id = ?2",
				   id, "user", e);

	if (!s)
		return -1;
	read_user_at(s, 0, out);
	db_reset(s);
	return 0;
}

int tx_user_by_email(struct store_tx *tx, const char *email, struct user *out,
		     char hash[PASSWORD_HASH_MAX], struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " USER_COLS ", password_hash FROM users"
				    " WHERE tenant_id = ?1 AND email = ?2",
				    e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, email);
	rc = db_step(s);
	if (rc == DB_ROW) {
		read_user_at(s, 0, out);
		if (hash)
			col_text(s, 9, hash, PASSWORD_HASH_MAX);
	}
	db_reset(s);
	if (rc == DB_DONE)
		return 0;
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "find user", e);
	return 1;
}

int tx_user_list(struct store_tx *tx, struct page pg, struct arena *a, struct user **out,
		 size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " USER_COLS " FROM users WHERE tenant_id = ?1"
				    " AND id > ?2 ORDER BY id LIMIT ?3",
				    e);

	return page_read(tx, s, pg, read_user, sizeof(**out), a, (void **)out, n, "list users",
			 e);
}

int tx_user_update(struct store_tx *tx, const struct user *u, const char *password_hash,
		   struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE users SET name = ?3, role = ?4, provider_id = ?5,"
				    " disabled = ?6, updated_at = ?7, last_login_at = ?8,"
				    " password_hash = coalesce(?9, password_hash)"
				    " WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, u->id);
	bind_text(s, 3, u->name);
	bind_text(s, 4, role_name(u->role));
	bind_opt_text(s, 5, u->provider_id);
	db_bind_i64(s, 6, u->disabled);
	db_bind_i64(s, 7, u->updated_at);
	bind_opt_i64(s, 8, u->last_login_at);
	bind_opt_text(s, 9, password_hash ? password_hash : "");
	if (step_done(tx->c, s, "update user", e))
		return -1;
	if (db_changes(tx->c) == 0)
		return err_set(e, ERR_NOT_FOUND, "user %s not found", u->id);
	return 0;
}

int tx_user_sessions_delete(struct store_tx *tx, const char *user_id, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "DELETE FROM sessions WHERE tenant_id = ?1 AND user_id = ?2", e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, user_id);
	return step_done(tx->c, s, "end the user's sessions", e);
}

int tx_user_delete(struct store_tx *tx, const char *id, struct err *e)
{
	if (tx_user_sessions_delete(tx, id, e))
		return -1;
	return delete_row(tx, "DELETE FROM users WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "user", e);
}

/* --- sessions --- */

int tx_session_insert(struct store_tx *tx, const struct session_rec *r, const char *token_hash,
		      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO sessions(token_hash, id, tenant_id, user_id,"
				    " csrf_token, created_at, last_seen_at, expires_at)"
				    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, token_hash);
	bind_text(s, 2, r->id);
	bind_text(s, 3, tx->tenant);
	bind_text(s, 4, r->user_id);
	bind_text(s, 5, r->csrf_token);
	db_bind_i64(s, 6, r->created_at);
	db_bind_i64(s, 7, r->last_seen_at);
	db_bind_i64(s, 8, r->expires_at);
	return step_done(tx->c, s, "start session", e);
}

int tx_session_find(struct store_tx *tx, const char *token_hash, struct session_rec *out,
		    struct user *user, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT s.id, s.tenant_id, s.csrf_token, s.created_at,"
				    " s.last_seen_at, s.expires_at, u.id, u.email, u.name, u.role,"
				    " u.provider_id, u.disabled, u.created_at, u.updated_at,"
				    " u.last_login_at FROM sessions s JOIN users u"
				    " ON u.tenant_id = s.tenant_id AND u.id = s.user_id"
				    " WHERE s.token_hash = ?1",
				    e);
	int rc;

	if (!s)
		return -1;
	memset(out, 0, sizeof(*out));
	bind_text(s, 1, token_hash);
	rc = db_step(s);
	if (rc == DB_ROW) {
		col_text(s, 0, out->id, sizeof(out->id));
		col_text(s, 1, out->tenant_id, sizeof(out->tenant_id));
		col_text(s, 2, out->csrf_token, sizeof(out->csrf_token));
		out->created_at = db_col_i64(s, 3);
		out->last_seen_at = db_col_i64(s, 4);
		out->expires_at = db_col_i64(s, 5);
		read_user_at(s, 6, user);
		memcpy(out->user_id, user->id, ID_MAX);
	}
	db_reset(s);
	if (rc == DB_DONE)
		return err_set(e, ERR_UNAUTHORIZED, "the session is not valid; sign in again");
	if (rc != DB_ROW)
		return sql_fail(tx->c, rc, "look up session", e);
	return 0;
}

int tx_session_delete(struct store_tx *tx, const char *id, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, "DELETE FROM sessions WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	return step_done(tx->c, s, "end session", e);
}

int store_sessions_purge(struct store *st, int64_t now, int64_t idle_before, int64_t *n,
			 struct err *e)
{
	struct conn *c = st->kind == DB_PG ? conn_get(st, e) : db_write_begin(st, "", e);
	struct stmt *s;
	int rc = -1;

	*n = 0;
	if (!c)
		return -1;
	s = conn_prep(c, "DELETE FROM sessions WHERE expires_at <= ?1 OR last_seen_at < ?2", e);
	if (s) {
		db_bind_i64(s, 1, now);
		db_bind_i64(s, 2, idle_before);
		rc = step_done(c, s, "remove ended sessions", e);
		if (rc == 0)
			*n = db_changes(c);
	}
	if (st->kind == DB_PG)
		conn_put(st, c);
	else if (db_write_end(st, c, rc == 0, e))
		rc = -1;
	return rc;
}

int store_session_touch(struct store *st, const char *id, int64_t now, int64_t every,
			struct err *e)
{
	return store_touch(st,
			   "UPDATE sessions SET last_seen_at = ?3 WHERE id = ?2"
			   " AND last_seen_at < ?4",
			   "", id, now, every, "record session use", e);
}
