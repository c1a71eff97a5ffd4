/* Console users and their sessions: people who sign in with an e-mail and a password, as
 * admins or staff (a staff user may be limited to one provider, like a scoped staff key). */
#ifndef SLOTD_USECASE_UC_USERS_H
#define SLOTD_USECASE_UC_USERS_H

#include "store/store_users.h"
#include "util/pwhash.h"

struct uc_ctx;
struct uc_env;

#define SESSION_LIFETIME_SECONDS (7 * 86400)		/* absolute, from sign-in */
#define SESSION_IDLE_DEFAULT_SECONDS (8 * 3600)	/* unless --session-idle says otherwise */
#define USER_PASSWORD_GENERATED_MAX 21			/* pwhash_generate's, NUL included */

/* Lower-cases an e-mail address in place (ASCII). */
void user_email_fold(char *email);

/* Creates user u (its id and times are set here) with password, or with one generated into
 * generated when password is NULL; user.created. Field errors (ERR_INVALID) for a password
 * out of USER_PASSWORD_MIN..MAX bytes, a provider that is not the tenant's, a provider on an
 * admin; ERR_CONFLICT when the e-mail is taken. */
int uc_user_create(struct uc_ctx *ctx, struct user *u, const char *password,
		   char generated[USER_PASSWORD_GENERATED_MAX], struct err *e);
/* The same for the command line, in tenant slug, as the "cli" duty. */
int uc_user_create_cli(const struct uc_env *env, const char *slug, struct user *u,
		       const char *password, char generated[USER_PASSWORD_GENERATED_MAX],
		       int64_t now, struct err *e);
int uc_user_get(struct uc_ctx *ctx, const char *id, struct user *out, struct err *e);
int uc_user_list(struct uc_ctx *ctx, struct page pg, struct user **out, size_t *n,
		 struct err *e);

/* What a PATCH changes: the fields whose flag is set. */
enum user_patch_flags {
	USER_SET_NAME = 1 << 0,
	USER_SET_ROLE = 1 << 1,
	USER_SET_PROVIDER = 1 << 2,
	USER_SET_DISABLED = 1 << 3,
	USER_SET_PASSWORD = 1 << 4,
};
struct user_patch {
	unsigned set;
	char name[NAME_MAX_LEN + 1];
	enum role role;
	char provider_id[ID_MAX];	/* "" clears */
	bool disabled;
	const char *password;
};
/* Changes user id with user.updated; a new password, role, provider or disabled flag ends
 * the user's sessions. A caller signed in as that user may not disable, demote or delete
 * themself (ERR_INVALID). */
int uc_user_update(struct uc_ctx *ctx, const char *id, const struct user_patch *p,
		   struct user *out, struct err *e);
int uc_user_delete(struct uc_ctx *ctx, const char *id, struct err *e);
/* Ends every session of user id; ERR_NOT_FOUND when there is no such user. */
int uc_user_sessions_end(struct uc_ctx *ctx, const char *id, struct err *e);

/* --- sessions --- */
/* What a session answers to its console. */
struct session_view {
	struct user user;
	char tenant_id[ID_MAX];
	char tenant_slug[64];
	char tenant_name[NAME_MAX_LEN + 1];
	char session_id[ID_MAX];
	char csrf_token[TOKEN_MAX];
	int64_t expires_at;		/* absolute end */
	int64_t idle_seconds;
};

/* Signs in: tenant slug, e-mail and password. Every refusal (no such tenant or user, a
 * wrong password, a disabled user) is the same ERR_INVALID_CREDENTIALS, after the same
 * password check. On success a new session: its token into token (shown once: only its
 * hash is stored) and out. */
int uc_session_start(const struct uc_env *env, const char *slug, const char *email,
		     const char *password, int64_t now, const char *request_id,
		     struct session_view *out, char token[TOKEN_MAX], struct err *e);
/* Who the session whose token has token_hash is: fills out (as auth for its user) and
 * view (without the tenant's slug and name). ERR_UNAUTHORIZED for an unknown session,
 * ERR_SESSION_EXPIRED (the row removed) for one idle or past its end. */
int uc_session_auth(const struct uc_env *env, const char *token_hash, int64_t now,
		    struct auth *out, struct session_view *view, struct err *e);
/* The tenant's slug and name into view. */
int uc_session_tenant(struct uc_ctx *ctx, struct session_view *view, struct err *e);
/* Removes the sessions of every tenant that have ended (idle, or past their end) and were
 * never used again; failures are logged. For the hourly duty. */
void uc_session_purge(const struct uc_env *env, int64_t now);
/* Ends session id of the caller's tenant. */
int uc_session_end(struct uc_ctx *ctx, const char *session_id, struct err *e);

#endif
