/* The worker's writes that carry events (src/notify). */
#include "usecase/uc_deliveries.h"

#include <string.h>

#include "store/store_notify.h"
#include "usecase/uc_int.h"
#include "wire/wire_notify.h"

struct disable_args {
	const char *id;
	const char *reason;
};

static int endpoint_disable_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			       struct err *e)
{
	const struct disable_args *d = arg;
	struct webhook_endpoint w;
	int rc = tx_endpoint_disable(tx, d->id, d->reason, ctx->now, e);

	if (rc <= 0)
		return rc;
	if (tx_endpoint_get(tx, d->id, &w, e))
		return -1;
	return uc_emit(ctx, tx, "endpoint.disabled", w.id, wire_endpoint(&w, ctx->now, NULL),
		       NULL, e);
}

int uc_endpoint_disable(const struct uc_env *env, const char *tenant, const char *id,
			const char *reason, int64_t now, struct err *e)
{
	struct disable_args d = {id, reason};
	struct arena *a = arena_new();
	struct auth auth;
	struct uc_ctx ctx;
	int rc;

	uc_ctx_system(&ctx, env, &auth, tenant, "notifier", now, a);
	rc = uc_write(&ctx, endpoint_disable_tx, &d, e);
	arena_free(a);
	return rc;
}
