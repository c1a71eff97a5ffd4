#include "http/handlers.h"

int h_healthz(struct req *r, struct err *e)
{
	(void)e;
	return reply_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int h_readyz(struct req *r, struct err *e)
{
	if (atomic_load(&r->ctx->draining))
		return err_set(e, ERR_STORE_BUSY, "shutting down");
	if (uc_ready(&r->ctx->env, e))
		return -1;
	return reply_json(r, 200, json_pack("{s:s}", "status", "ready"));
}
