/* Reminders: planned with their booking (create plans, a reschedule plans anew, every end
 * but confirmation drops the unsent ones; see uc_bookings.c), read for the API, and sent by
 * the background worker as booking.reminder events.
 *
 * Planning follows core/reminder.h: the offsets of the booking's service, else the tenant's,
 * else a day and an hour before; an offset whose due time has passed when the booking is
 * made or moved is not planned. A reschedule deletes every reminder of the booking, sent ones
 * too, and plans anew: "at most once" is per appointment time, and an offset sent for the old
 * time is planned again only when its due time for the new start is still ahead. Changing a
 * service's or the tenant's offsets does not re-plan existing bookings.
 *
 * Sending: the claim reads due rows in a transaction across tenants; each row is then sent in
 * a write transaction of its tenant that re-reads the booking, marks the row sent with a
 * conditional UPDATE and appends the event. Two processes that claim the same row both try,
 * but only one UPDATE finds it unsent (the other rolls back), so the event is written once. */
#include "usecase/uc_int.h"

#include <string.h>

#include "store/store_notify.h"
#include "util/log.h"

int uc_reminders_plan(struct uc_ctx *ctx, struct store_tx *tx, const struct booking *b,
		      struct err *e)
{
	struct reminder_offsets o;

	if (tx_reminder_offsets_for(tx, b->service_id, &o, e))
		return -1;
	return tx_reminders_plan(tx, b->id, b->start, o.minutes, o.n, ctx->now, e);
}

int uc_booking_reminders(struct uc_ctx *ctx, const char *id, struct reminder **out,
			 int64_t **sent_at, size_t *n, const struct tz **zone, struct err *e)
{
	struct store_tx *tx;
	struct booking b;
	int rc;

	if (uc_booking_get(ctx, id, &b, zone, e))
		return -1;
	tx = uc_read(ctx, STORE_READ, e);
	if (!tx)
		return -1;
	rc = tx_reminders_of(tx, id, ctx->arena, out, sent_at, n, e);
	uc_read_end(tx);
	return rc;
}

struct reminder_send {
	const struct reminder *r;
	bool sent;
};

/* Sends reminder r as its tenant: the booking as it is now decides whether it still goes. */
static int reminder_send_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct reminder_send *rs = arg;
	const struct reminder *r = rs->r;
	const struct tz *zone;
	struct booking b;
	struct err lookup;
	json_t *payload;

	rs->sent = false;
	err_init(&lookup);
	if (tx_booking_get(tx, r->booking_id, ctx->arena, &b, &lookup)) {
		if (lookup.code != ERR_NOT_FOUND) {
			*e = lookup;
			return -1;
		}
		return tx_reminder_cancel(tx, r->booking_id, r->offset_minutes, e);
	}
	/* Moved since the claim: the reschedule planned this offset anew (or not at all). */
	if (reminder_due(b.start, r->offset_minutes) != r->due_at)
		return 0;
	/* Ended (its unsent reminders were dropped then), or already begun: not sent. */
	if (!booking_is_active(b.status) || b.start <= ctx->now)
		return tx_reminder_cancel(tx, r->booking_id, r->offset_minutes, e);
	if (tx_reminder_sent(tx, r->booking_id, r->offset_minutes, ctx->now, e))
		return -1;
	zone = uc_provider_zone(ctx, tx, b.provider_id);
	payload = wire_booking(&b, zone, WIRE_STAFF);
	json_object_set_new(payload, "reminder", wire_reminder(r, ctx->now, zone));
	rs->sent = true;
	return uc_emit(ctx, tx, "booking.reminder", b.id, payload, NULL, e);
}

/* The unsent reminders due by now, at most max, across tenants. */
static int reminders_claim(const struct uc_env *env, int64_t now, size_t max, struct arena *a,
			   struct reminder **due, size_t *n, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_WRITE, e);
	struct err ignored;
	int rc;

	if (!tx)
		return -1;
	rc = tx_reminders_due(tx, now, max, a, due, n, e);
	err_init(&ignored);
	store_end(tx, false, &ignored);
	return rc;
}

int uc_reminders_run(const struct uc_env *env, int64_t now, size_t max, size_t *sent,
		     struct err *e)
{
	struct arena *a = arena_new();
	struct reminder *due;
	size_t n, i;

	*sent = 0;
	if (reminders_claim(env, now, max, a, &due, &n, e)) {
		arena_free(a);
		return -1;
	}
	for (i = 0; i < n; i++) {
		struct reminder_send rs = {&due[i], false};
		struct auth auth;
		struct uc_ctx ctx;
		struct err one;

		err_init(&one);
		uc_ctx_system(&ctx, env, &auth, due[i].tenant_id, "reminders", now, a);
		if (uc_write(&ctx, reminder_send_tx, &rs, &one) == 0) {
			*sent += rs.sent;
			continue;
		}
		/* Another process marked it first: it sent the event. */
		if (one.code != ERR_CONFLICT)
			log_msg(LOG_WARN, "reminder %d min before booking %s: %s",
				due[i].offset_minutes, due[i].booking_id, one.message);
	}
	arena_free(a);
	return 0;
}
