/* The tenant's business hours and business overrides: reads, writes and their events. */
#include "usecase/uc_business.h"

#include <string.h>

#include "usecase/uc_int.h"
#include "util/ids.h"

static json_t *render_hours(const struct uc_ctx *ctx, const struct business_hours *bh,
			    const struct tz *z)
{
	return wire_business_hours(bh->timezone, &bh->schedule, (const id_t_ *)bh->exempt,
				   bh->nexempt, bh->updated_at, z, ctx->now);
}

/* Keeps among bh's exempt providers only those the caller reaches. */
static void exempt_in_reach(const struct uc_ctx *ctx, struct business_hours *bh)
{
	size_t i, k = 0;

	for (i = 0; i < bh->nexempt; i++)
		if (uc_covers(ctx, bh->exempt[i]))
			memcpy(bh->exempt[k++], bh->exempt[i], ID_MAX);
	bh->nexempt = k;
}

int uc_business_get(struct uc_ctx *ctx, struct business_hours *out, const struct tz **zone,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_business_get(tx, ctx->arena, out, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	exempt_in_reach(ctx, out);
	*zone = uc_zone(ctx, out->timezone);
	return 0;
}

struct business_new {
	struct business_hours *bh;
	const struct tz *zone;
};

static int business_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct business_new *bn = arg;
	struct business_hours was;
	const struct tz *was_zone;
	json_t *before;

	if (tx_business_get(tx, ctx->arena, &was, e))
		return -1;
	was_zone = uc_zone(ctx, was.timezone);
	bn->bh->updated_at = ctx->now;
	if (tx_business_put(tx, bn->bh, e))
		return -1;
	before = *was.timezone ? render_hours(ctx, &was, was_zone) : NULL;
	return uc_emit(ctx, tx, "business_hours.updated", ctx->auth->tenant_id,
		       render_hours(ctx, bn->bh, bn->zone), before, e);
}

/* Sorts ids and drops repeats (a set). */
static void exempt_set(struct business_hours *bh)
{
	size_t i, j, k = 0;

	for (i = 0; i < bh->nexempt; i++) {
		for (j = 0; j < k; j++)
			if (!strcmp(bh->exempt[j], bh->exempt[i]))
				break;
		if (j == k)
			memmove(bh->exempt[k++], bh->exempt[i], ID_MAX);
	}
	bh->nexempt = k;
}

int uc_business_put(struct uc_ctx *ctx, struct business_hours *bh, const struct tz **zone,
		    struct err *e)
{
	struct business_new bn = {bh, tz_db_get(ctx->env->tz, bh->timezone)};

	if (!bn.zone)
		return err_field(e, "/timezone", "unknown time zone %s", bh->timezone);
	if (uc_schedule_order(&bh->schedule, e))
		return -1;
	exempt_set(bh);
	if (uc_write(ctx, business_put_tx, &bn, e))
		return -1;
	*zone = bn.zone;
	return 0;
}

static int business_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct business_hours was;

	(void)arg;
	if (tx_business_get(tx, ctx->arena, &was, e))
		return -1;
	if (!*was.timezone)
		return err_set(e, ERR_NOT_FOUND, "no business hours are set");
	if (tx_business_delete(tx, e))
		return -1;
	return uc_emit(ctx, tx, "business_hours.deleted", ctx->auth->tenant_id,
		       render_hours(ctx, &was, uc_zone(ctx, was.timezone)), NULL, e);
}

int uc_business_delete(struct uc_ctx *ctx, struct err *e)
{
	return uc_write(ctx, business_delete_tx, NULL, e);
}

/* --- business overrides --- */

static int bov_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct override_rec *o = arg;
	size_t n;

	if (tx_business_override_count(tx, &n, e))
		return -1;
	if (n >= BUSINESS_OVERRIDES_MAX)
		return err_set(e, ERR_RECORD_LIMIT,
			       "the business has %d overrides, the most it may have;"
			       " delete some first", BUSINESS_OVERRIDES_MAX);
	if (tx_business_override_insert(tx, o, e))
		return -1;
	return uc_emit(ctx, tx, "business_override.created", o->id, wire_business_override(o),
		       NULL, e);
}

int uc_business_override_create(struct uc_ctx *ctx, struct override_rec *o, struct err *e)
{
	id_new(o->id, "bov");
	*o->provider_id = '\0';
	o->created_at = o->updated_at = ctx->now;
	return uc_write(ctx, bov_create_tx, o, e);
}

int uc_business_override_get(struct uc_ctx *ctx, const char *id, struct override_rec *out,
			     struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_business_override_get(tx, id, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_business_override_list(struct uc_ctx *ctx, int64_t from_day, int64_t to_day,
			      struct override_rec **out, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_business_override_list(tx, from_day, to_day, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

/* Whether a and b render alike (both references are stolen). */
static bool same_rendering(json_t *a, json_t *b)
{
	bool same = json_equal(a, b);

	json_decref(a);
	json_decref(b);
	return same;
}

struct bov_edit {
	const struct override_rec *was;
	struct override_rec *now;
};

static int bov_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct bov_edit *be = arg;
	struct override_rec *o = be->now, was;

	if (tx_business_override_get(tx, o->id, &was, e))
		return -1;
	if (!same_rendering(wire_business_override(&was), wire_business_override(be->was)))
		return err_set(e, ERR_CONFLICT,
			       "business override %s changed while this edit was made; read it"
			       " again and resend the edit", o->id);
	o->created_at = was.created_at;
	o->updated_at = was.updated_at;
	if (same_rendering(wire_business_override(o), wire_business_override(&was)))
		return 0;
	o->updated_at = ctx->now;
	if (tx_business_override_update(tx, o, e))
		return -1;
	return uc_emit(ctx, tx, "business_override.updated", o->id, wire_business_override(o),
		       wire_business_override(&was), e);
}

int uc_business_override_update(struct uc_ctx *ctx, const struct override_rec *was,
				struct override_rec *o, struct err *e)
{
	struct bov_edit be = {was, o};

	*o->provider_id = '\0';
	return uc_write(ctx, bov_update_tx, &be, e);
}

static int bov_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct override_rec o;

	if (tx_business_override_get(tx, id, &o, e) || tx_business_override_delete(tx, id, e))
		return -1;
	return uc_emit(ctx, tx, "business_override.deleted", id, wire_business_override(&o), NULL,
		       e);
}

int uc_business_override_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, bov_delete_tx, (void *)id, e);
}
