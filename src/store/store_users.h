/* The storage interface, continued: console users and their sessions. A user's password is
 * kept only as an Argon2id hash string (libsodium's crypto_pwhash_str format), a session's
 * token only as its hash (util/ids.h token_hash). Same conventions as store.h. */
#ifndef SLOTD_STORE_STORE_USERS_H
#define SLOTD_STORE_STORE_USERS_H

#include "store/store.h"

#define PASSWORD_HASH_MAX 128	/* crypto_pwhash_STRBYTES, NUL included */

/* Stores user u with its password hash. ERR_CONFLICT when the tenant has a user with that
 * e-mail already. */
int tx_user_insert(struct store_tx *tx, const struct user *u, const char *password_hash,
		   struct err *e);
/* A user of the tenant by id; ERR_NOT_FOUND otherwise. */
int tx_user_get(struct store_tx *tx, const char *id, struct user *out, struct err *e);
/* A user of the tenant by e-mail (lower case), with its password hash (hash may be NULL):
 * 1 when found, 0 when none, -1 when the query fails. */
int tx_user_by_email(struct store_tx *tx, const char *email, struct user *out,
		     char hash[PASSWORD_HASH_MAX], struct err *e);
/* Users by id, paged. */
int tx_user_list(struct store_tx *tx, struct page pg, struct arena *a, struct user **out,
		 size_t *n, struct err *e);
/* Writes u's name, role, provider, disabled flag, updated_at and last_login_at over its row,
 * and the password hash when password_hash is not NULL. ERR_NOT_FOUND when there is none. */
int tx_user_update(struct store_tx *tx, const struct user *u, const char *password_hash,
		   struct err *e);
/* Deletes user id and its sessions; ERR_NOT_FOUND when there is none. */
int tx_user_delete(struct store_tx *tx, const char *id, struct err *e);

/* --- sessions --- */
struct session_rec {
	char id[ID_MAX];		/* sid_… (never the token) */
	char tenant_id[ID_MAX];
	char user_id[ID_MAX];
	char csrf_token[TOKEN_MAX];
	int64_t created_at;
	int64_t last_seen_at;
	int64_t expires_at;		/* absolute end */
};

/* Stores session s of the transaction's tenant with the hash of its token. */
int tx_session_insert(struct store_tx *tx, const struct session_rec *s, const char *token_hash,
		      struct err *e);
/* The session whose token has token_hash (any tenant) and its user; ERR_UNAUTHORIZED when
 * there is none. */
int tx_session_find(struct store_tx *tx, const char *token_hash, struct session_rec *out,
		    struct user *user, struct err *e);
/* Deletes session id of the tenant (nothing when it is gone already). */
int tx_session_delete(struct store_tx *tx, const char *id, struct err *e);
/* Deletes every session of user id of the tenant. */
int tx_user_sessions_delete(struct store_tx *tx, const char *user_id, struct err *e);
/* Deletes every session (any tenant) that ended by now: past its expires_at, or unused
 * since idle_before. Its own transaction, taking no tenant lock (no check reads these rows).
 * *n gets how many went. */
int store_sessions_purge(struct store *st, int64_t now, int64_t idle_before, int64_t *n,
			 struct err *e);
/* Records that session id was used at now, when its last record is over every seconds old:
 * a transaction of its own that takes no tenant lock. */
int store_session_touch(struct store *st, const char *id, int64_t now, int64_t every,
			struct err *e);

#endif
