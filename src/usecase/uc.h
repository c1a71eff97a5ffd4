/* The application layer: each use case loads what it needs from the store, asks core to
 * decide, writes, and appends its event — all in one transaction — and answers in plain
 * structs that src/wire renders. HTTP handlers and background duties call it alike, with an
 * explicit context: who acts, for which tenant, when, and for which request. See README.md. */
#ifndef SLOTD_USECASE_UC_H
#define SLOTD_USECASE_UC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/calendar.h"
#include "core/engine.h"
#include "core/entry.h"
#include "core/model.h"
#include "store/store.h"
#include "store/store_bookings.h"
#include "store/store_entries.h"
#include "util/arena.h"
#include "util/err.h"

/* Settings fixed at start-up. */
struct uc_config {
	int64_t event_retention_seconds;	/* events older than this are purged; 0 = kept */
	int64_t request_timeout_ms;	/* a request's time budget for long reads (slots,
					 * explain, calendar, booking checks); 0 = the default,
					 * UC_REQUEST_TIMEOUT_MS */
	bool allow_private_webhooks;	/* webhook URLs may reach loopback and private
					 * addresses (tests, private deployments) */
	int64_t attachment_max_bytes;	/* one booking attachment; 0 = the default (10 MiB) */
	int64_t attachment_booking_max_bytes;	/* all of a booking's attachments; 0 = 50 MiB */
	int64_t session_idle_seconds;	/* a console session unused this long ends; 0 = the
					 * default, SESSION_IDLE_DEFAULT_SECONDS (uc_users.h) */
	bool has_secret_key;		/* secret_key holds the key secrets are sealed with */
	unsigned char secret_key[32];	/* util/secretbox.h */
};

#define UC_REQUEST_TIMEOUT_MS 2000

/* Shared by every call; read-only after start-up. */
struct uc_env {
	struct store *store;
	struct tz_db *tz;
	int64_t (*clock)(void);		/* UTC seconds, for background duties */
	struct uc_config config;
	/* Called after each write transaction commits, so the notification worker looks at
	 * the queue at once (src/notify); NULL = none. */
	void (*notify_wake)(void *arg);
	void *notify_arg;
	/* Called when a calendar becomes due at once (created, changed, "sync now"), so the
	 * calendar syncer looks at once (src/notify/calsync.c); NULL = none. */
	void (*calendar_wake)(void *arg);
	void *calendar_arg;
};

/* One call. */
struct uc_ctx {
	const struct uc_env *env;
	const struct auth *auth;	/* the caller: tenant, role, key, provider scope */
	struct actor actor;		/* as events record it */
	int64_t now;
	const char *request_id;		/* NULL when no request caused the call */
	struct arena *arena;		/* for results and scratch; freed by the caller */
	int64_t deadline_ns;		/* on recur_clock_ns's clock: past it, long reads stop
					 * with ERR_TIMEOUT; 0 = none (background duties) */
	struct expand *expand;		/* rule dates shared by the call; made on first use */
};

/* A context for a caller that authenticated as auth; its deadline is the configured budget
 * from now. */
void uc_ctx_init(struct uc_ctx *ctx, const struct uc_env *env, const struct auth *auth,
		 int64_t now, const char *request_id, struct arena *a);
/* A context for a background duty (name, e.g. "sweeper") acting for tenant with full
 * rights; auth is storage the context points to. */
void uc_ctx_system(struct uc_ctx *ctx, const struct uc_env *env, struct auth *auth,
		   const char *tenant, const char *name, int64_t now, struct arena *a);

/* The clock of background duties and of requests (UTC seconds): the real one, or the test
 * clock's setting while one is set. */
int64_t uc_clock(void);
/* Test runs only (POST /v1/test/clock): uc_clock answers now from here on, in every
 * thread; INT64_MIN goes back to the real clock. */
void uc_clock_set(int64_t now);
/* Whether the database answers (readiness). */
int uc_ready(const struct uc_env *env, struct err *e);
/* The store's backend: "sqlite" or "postgresql". */
const char *uc_backend_name(const struct uc_env *env);

/* The use cases, by noun. */
#include "usecase/uc_bookings.h"
#include "usecase/uc_booking_edit.h"
#include "usecase/uc_catalog.h"
#include "usecase/uc_entries.h"
#include "usecase/uc_notify.h"
#include "usecase/uc_analytics.h"
#include "usecase/uc_public.h"
#include "usecase/uc_views.h"
#include "usecase/uc_users.h"

#endif
