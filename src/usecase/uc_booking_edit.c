/* In-place edits of a booking (notes, the customer's details, metadata, location: what
 * neither moves it nor changes its status) and the customer's feedback once it is
 * completed. */
#include "usecase/uc_int.h"

#include <string.h>

#include "store/store_booking_edit.h"

/* Whether the caller is the booking's customer: its manage token. */
static bool is_customer(const struct uc_ctx *ctx)
{
	return *ctx->auth->booking_id != '\0';
}

/* Booking id as the caller may reach it: staff within their providers, a manage token its
 * own booking. A customer key (shared by every visitor of the tenant's booking widget)
 * reaches none. */
static int booking_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			 struct booking *out, struct err *e)
{
	const struct auth *a = ctx->auth;

	if (!*a->booking_id && a->role == ROLE_CUSTOMER)
		return err_set(e, ERR_FORBIDDEN,
			       "a customer key may not edit bookings or give feedback");
	return uc_booking_in_reach(ctx, tx, id, out, e);
}

static void patch_apply(struct booking *b, const struct uc_booking_patch *p)
{
	const struct booking *v = &p->v;

	if (p->set & BOOKING_NOTES)
		memcpy(b->notes, v->notes, sizeof(b->notes));
	if (p->set & BOOKING_INTERNAL_NOTES)
		memcpy(b->internal_notes, v->internal_notes, sizeof(b->internal_notes));
	if (p->set & BOOKING_COMPLETION_NOTES)
		memcpy(b->completion_notes, v->completion_notes, sizeof(b->completion_notes));
	if (p->set & BOOKING_CUSTOMER_NAME)
		memcpy(b->customer_name, v->customer_name, sizeof(b->customer_name));
	if (p->set & BOOKING_CUSTOMER_EMAIL)
		memcpy(b->customer_email, v->customer_email, sizeof(b->customer_email));
	if (p->set & BOOKING_CUSTOMER_PHONE)
		memcpy(b->customer_phone, v->customer_phone, sizeof(b->customer_phone));
	if (p->set & BOOKING_METADATA)
		b->metadata = v->metadata;
	if (p->set & BOOKING_LOCATION)
		b->location = v->location;
}

struct booking_edit {
	const char *id;
	const struct uc_booking_patch *p;
	struct booking *out;
	const struct tz **zone;
};

static int booking_edit_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct booking_edit *be = arg;
	struct booking *b = be->out;
	json_t *before, *after;

	if (booking_reach(ctx, tx, be->id, b, e))
		return -1;
	if (be->p->if_match > 0 && be->p->if_match != b->version)
		return err_set(e, ERR_PRECONDITION, "booking %s has changed (version %d, If-Match %d)",
			       be->id, b->version, be->p->if_match);
	if (is_customer(ctx)) {
		if (be->p->set & ~(unsigned)BOOKING_CUSTOMER_FIELDS)
			return err_set(e, ERR_FORBIDDEN,
				       "a customer may change the notes and the customer's details"
				       " only");
		if (!booking_is_active(b->status))
			return err_set(e, ERR_CONFLICT, "cannot change a booking that is %s",
				       booking_status_name(b->status));
	}
	*be->zone = uc_provider_zone(ctx, tx, b->provider_id);
	before = wire_booking(b, *be->zone, WIRE_STAFF);
	patch_apply(b, be->p);
	after = wire_booking(b, *be->zone, WIRE_STAFF);
	if (json_equal(before, after)) {
		/* Nothing changes: nothing is written, the version stays. */
		json_decref(before);
		json_decref(after);
		return 0;
	}
	json_decref(after);
	if (tx_booking_update(tx, b, ctx->now, e)) {
		json_decref(before);
		return -1;
	}
	b->version++;
	b->updated_at = ctx->now;
	return uc_emit(ctx, tx, "booking.updated", b->id, wire_booking(b, *be->zone, WIRE_STAFF),
		       before, e);
}

int uc_booking_edit(struct uc_ctx *ctx, const char *id, const struct uc_booking_patch *p,
		    struct booking *out, const struct tz **zone, struct err *e)
{
	struct booking_edit be = {id, p, out, zone};

	return uc_write(ctx, booking_edit_tx, &be, e);
}

struct feedback_put {
	const char *id;
	const struct uc_feedback *in;
	bool first;
	struct booking_feedback *out;
};

static int feedback_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct feedback_put *fp = arg;
	struct booking_feedback *f = fp->out;
	const struct tz *zone;
	struct booking b;
	json_t *before;

	if (booking_reach(ctx, tx, fp->id, &b, e))
		return -1;
	if (b.status != BOOKING_COMPLETED)
		return err_set(e, ERR_NOT_COMPLETED,
			       "feedback is given once the booking is completed (it is %s)",
			       booking_status_name(b.status));
	if (fp->first) {
		if (b.feedback)
			return err_set(e, ERR_FEEDBACK_EXISTS,
				       "booking %s already has feedback; change it with PATCH",
				       fp->id);
		memset(f, 0, sizeof(*f));
		f->created_at = ctx->now;
		f->rating = fp->in->rating;
		f->comment = fp->in->comment;
	} else {
		if (!b.feedback)
			return err_set(e, ERR_NOT_FOUND, "booking %s has no feedback", fp->id);
		if (ctx->now >= b.feedback->created_at + FEEDBACK_EDIT_SECONDS)
			return err_set(e, ERR_FEEDBACK_CLOSED,
				       "feedback may be changed for 7 days after it was given");
		*f = *b.feedback;
		if (fp->in->rating)
			f->rating = fp->in->rating;
		if (fp->in->set_comment)
			f->comment = fp->in->comment;
		if (f->rating == b.feedback->rating &&
		    !strcmp(f->comment ? f->comment : "",
			    b.feedback->comment ? b.feedback->comment : ""))
			return 0;	/* nothing changes: nothing is written, the version stays */
	}
	f->updated_at = ctx->now;
	zone = uc_provider_zone(ctx, tx, b.provider_id);
	before = wire_booking(&b, zone, WIRE_STAFF);
	if (tx_feedback_put(tx, &b, f, fp->first, ctx->now, e)) {
		json_decref(before);
		return -1;
	}
	b.feedback = f;
	b.version++;
	b.updated_at = ctx->now;
	return uc_emit(ctx, tx, "booking.feedback", b.id, wire_booking(&b, zone, WIRE_STAFF),
		       before, e);
}

int uc_feedback_put(struct uc_ctx *ctx, const char *id, const struct uc_feedback *in,
		    bool first, struct booking_feedback *out, struct err *e)
{
	struct feedback_put fp = {id, in, first, out};

	if (!is_customer(ctx))
		return err_set(e, ERR_FORBIDDEN,
			       "feedback is the customer's: give it with the booking's manage token");
	return uc_write(ctx, feedback_put_tx, &fp, e);
}

int uc_feedback_get(struct uc_ctx *ctx, const char *id, struct booking_feedback *out,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct booking b;
	int rc;

	if (!tx)
		return -1;
	rc = booking_reach(ctx, tx, id, &b, e);
	if (rc == 0 && !b.feedback)
		rc = err_set(e, ERR_NOT_FOUND, "booking %s has no feedback", id);
	if (rc == 0)
		*out = *b.feedback;
	uc_read_end(tx);
	return rc;
}
