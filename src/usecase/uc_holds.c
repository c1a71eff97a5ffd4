/* Holds: a start reserved for a few minutes while a customer completes a booking. */
#include "usecase/uc_int.h"

#include <ctype.h>
#include <string.h>

#include "util/ids.h"

#define HOLDS_PER_OWNER 5		/* live holds one customer of a staff or admin key */
#define HOLDS_PER_CUSTOMER_KEY 100	/* live holds of all customers of one customer key */
#define HOLDS_PER_ADDRESS 5		/* live holds of the public page's visitors from one address */
#define HOLDS_PER_EMAIL 3		/* live holds of the public page for one e-mail */

bool uc_hold_reachable(const struct uc_ctx *ctx, const struct hold *h)
{
	/* A visitor's hold is reached by its id, which only the visitor was told (its address
	 * may change between choosing a time and booking it); never a key's hold. */
	if (ctx->auth->visitor)
		return !strncmp(h->key_id, "pub_", 4);
	if (ctx->auth->role == ROLE_CUSTOMER && strcmp(h->key_id, ctx->auth->key_id) != 0)
		return false;
	return uc_covers(ctx, h->provider_id);
}

/* Whose cap a hold counts against: the caller, and under a staff or admin key the customer's
 * e-mail (a desk serves several customers). A customer key's e-mails are whatever its
 * clients type, so they neither protect nor lock out anyone: the key alone is capped. A
 * visitor's holds count per address (the key id) and, when one names an e-mail, per that
 * e-mail across addresses ("email:<address>"), for the few minutes such a hold lives. */
static void owner_of(const struct uc_ctx *ctx, const char *email, char out[HOLD_OWNER_MAX])
{
	size_t i, n;

	n = ctx->auth->visitor ? 0
			       : (size_t)snprintf(out, HOLD_OWNER_MAX, "key:%s", ctx->auth->key_id);
	if (ctx->auth->visitor && !*email)
		snprintf(out, HOLD_OWNER_MAX, "visitor:%s", ctx->auth->key_id);
	if (!*email || (ctx->auth->role == ROLE_CUSTOMER && !ctx->auth->visitor) ||
	    n >= HOLD_OWNER_MAX)
		return;
	snprintf(out + n, HOLD_OWNER_MAX - n, "%semail:%s", n ? "|" : "", email);
	for (i = n; out[i]; i++)
		out[i] = (char)tolower((unsigned char)out[i]);
}

/* ERR_HOLD_LIMIT when who (an owner, or a key) has max live holds. */
static int cap_check(struct uc_ctx *ctx, struct store_tx *tx, bool by_key, const char *who,
		     int max, struct err *e)
{
	int64_t first_expiry = 0;
	int count = 0;

	if (tx_hold_count(tx, by_key, who, ctx->now, &count, &first_expiry, e))
		return -1;
	if (count < max)
		return 0;
	if (by_key && ctx->auth->visitor)
		err_set(e, ERR_HOLD_LIMIT,
			"at most %d live holds from one address; release one or wait", max);
	else if (by_key)
		err_set(e, ERR_HOLD_LIMIT, "this key has %d live holds, its limit; release one or wait",
			max);
	else
		err_set(e, ERR_HOLD_LIMIT, "at most %d live holds at a time; release one or wait",
			max);
	e->retry_after = (int)(first_expiry - ctx->now);
	return -1;
}

struct hold_new {
	const struct uc_hold_request *in;
	struct hold *out;
	const struct tz **zone;
};

static int hold_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct hold_new *hn = arg;
	const struct uc_hold_request *in = hn->in;
	struct hold *h = hn->out;
	struct service svc;
	struct booking bk;
	struct err decided;
	int rc;

	memset(h, 0, sizeof(*h));
	owner_of(ctx, in->email, h->owner);
	if (ctx->auth->visitor) {
		/* The page is open to anyone: caps per client address and per e-mail. */
		if (cap_check(ctx, tx, true, ctx->auth->key_id, HOLDS_PER_ADDRESS, e) ||
		    (*in->email && cap_check(ctx, tx, false, h->owner, HOLDS_PER_EMAIL, e)))
			return -1;
	} else if (ctx->auth->role == ROLE_CUSTOMER
			   ? cap_check(ctx, tx, true, ctx->auth->key_id, HOLDS_PER_CUSTOMER_KEY, e)
			   : cap_check(ctx, tx, false, h->owner, HOLDS_PER_OWNER, e)) {
		return -1;
	}
	memset(&bk, 0, sizeof(bk));
	if (tx_service_get(tx, in->service_id, ctx->arena, &svc, e))
		return -1;
	err_init(&decided);
	rc = uc_pick(ctx, tx, &svc, in->provider_id, in->start, NULL, &bk, hn->zone, &decided, e);
	if (rc > 0)
		*e = decided;
	if (rc)
		return -1;
	id_new(h->id, "hld");
	memcpy(h->service_id, svc.id, ID_MAX);
	memcpy(h->provider_id, bk.provider_id, ID_MAX);
	h->start = bk.start;
	h->end = bk.end;
	h->block_start = bk.block_start;
	h->block_end = bk.block_end;
	snprintf(h->key_id, sizeof(h->key_id), "%s", ctx->auth->key_id);
	h->expires_at = ctx->now + in->ttl_seconds;
	h->created_at = ctx->now;
	if (tx_hold_insert(tx, h, e))
		return -1;
	return uc_emit(ctx, tx, "hold.created", h->id, wire_hold(h, *hn->zone, ctx->now), NULL, e);
}

int uc_hold_create(struct uc_ctx *ctx, const struct uc_hold_request *in, struct hold *out,
		   const struct tz **zone, struct err *e)
{
	struct hold_new hn = {in, out, zone};

	if (uc_write(ctx, hold_create_tx, &hn, e)) {
		if (e->code == ERR_NOT_FOUND) {
			err_init(e);
			err_field(e, "/service_id", "no such service");
		}
		return -1;
	}
	return 0;
}

/* A hold the caller may reach: customer keys only their own, scoped staff only their
 * providers'. */
static int hold_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			 struct hold *h, struct err *e)
{
	if (tx_hold_get(tx, id, h, e))
		return -1;
	if (!uc_hold_reachable(ctx, h))
		return err_set(e, ERR_NOT_FOUND, "hold %s not found", id);
	return 0;
}

int uc_hold_get(struct uc_ctx *ctx, const char *id, struct hold *out, const struct tz **zone,
		struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = hold_in_reach(ctx, tx, id, out, e);
	if (rc == 0)
		*zone = uc_provider_zone(ctx, tx, out->provider_id);
	uc_read_end(tx);
	return rc;
}

/* Ends the offer that hold h was made for, as if it expired; 0 without one (the hold was
 * not an offer, or its entry has moved on). 1 when ended. */
static int offer_release(struct uc_ctx *ctx, struct store_tx *tx, const struct hold *h,
			 struct err *e)
{
	struct waitlist_entry w;
	struct err lookup;

	if (!*h->waitlist_id)
		return 0;
	err_init(&lookup);
	if (tx_waitlist_get(tx, h->waitlist_id, &w, &lookup))
		return lookup.code == ERR_NOT_FOUND ? 0 : (*e = lookup, -1);
	if (w.status != WAITLIST_OFFERED || strcmp(w.hold_id, h->id) != 0)
		return 0;
	return uc_waitlist_set(ctx, tx, &w, WAITLIST_EXPIRED, "waitlist.expired", e) ? -1 : 1;
}

int uc_hold_ended(struct uc_ctx *ctx, struct store_tx *tx, const struct hold *h, bool released,
		  struct err *e)
{
	int rc = offer_release(ctx, tx, h, e);

	if (rc != 0)
		return rc < 0 ? -1 : 0;
	return uc_emit(ctx, tx, released ? "hold.released" : "hold.expired", h->id,
		       wire_hold(h, uc_provider_zone(ctx, tx, h->provider_id), ctx->now), NULL,
		       e);
}

static int hold_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	const char *id = arg;
	struct hold h;

	/* Released by the caller, even when it had lapsed unnoticed. */
	if (hold_in_reach(ctx, tx, id, &h, e) || tx_hold_delete(tx, id, e) ||
	    uc_hold_ended(ctx, tx, &h, true, e))
		return -1;
	/* Even an expired hold's time may not have been offered yet. */
	return uc_offers(ctx, tx, h.provider_id, NULL, h.block_start - 86400, h.block_end, e);
}

int uc_hold_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, hold_delete_tx, (void *)id, e);
}
