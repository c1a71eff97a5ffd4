/* In-place edits of a booking (the fields that neither move it nor change its status) and
 * its customer feedback (booking_feedback, one row per booking). */
#include "store/sql_int.h"
#include "store/store_booking_edit.h"

#include <string.h>

#include "store/store_stats.h"

int tx_booking_update(struct store_tx *tx, const struct booking *b, int64_t now,
		      struct err *e)
{
	struct stmt *s = conn_prep(
		tx->c,
		"UPDATE bookings SET notes = ?4, internal_notes = ?5, completion_notes = ?6,"
		" customer_name = ?7, customer_email = ?8, customer_phone = ?9, metadata = ?10,"
		" location = ?11, version = version + 1, updated_at = ?12"
		" WHERE tenant_id = ?1 AND id = ?2 AND version = ?3",
		e);
	char location[LOCATION_TEXT_MAX];

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, b->id);
	db_bind_i64(s, 3, b->version);
	bind_opt_text(s, 4, b->notes);
	bind_opt_text(s, 5, b->internal_notes);
	bind_opt_text(s, 6, b->completion_notes);
	bind_text(s, 7, b->customer_name);
	bind_text(s, 8, b->customer_email);
	bind_opt_text(s, 9, b->customer_phone);
	bind_opt_text(s, 10, b->metadata);
	location_encode(&b->location, location, sizeof(location));
	bind_opt_text(s, 11, location);
	db_bind_i64(s, 12, now);
	if (step_done(tx->c, s, "update booking", e))
		return -1;
	if (db_changes(tx->c) != 1)
		return err_set(e, ERR_PRECONDITION, "booking %s has changed meanwhile", b->id);
	return 0;
}

void read_feedback(struct stmt *s, int i, struct arena *a, struct booking_feedback *out)
{
	out->rating = db_col_int(s, i);
	out->comment = db_col_null(s, i + 1) ? NULL : col_str(s, i + 1, a);
	out->created_at = db_col_i64(s, i + 2);
	out->updated_at = db_col_i64(s, i + 3);
}

int tx_feedback_get(struct store_tx *tx, const char *booking_id, struct arena *a,
		    struct booking_feedback *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT rating, comment, created_at, updated_at FROM booking_feedback"
				   " WHERE tenant_id = ?1 AND booking_id = ?2",
				   booking_id, "feedback on booking", e);

	if (!s)
		return -1;
	read_feedback(s, 0, a, out);
	db_reset(s);
	return 0;
}

/* Whether booking_id has feedback: 1, 0, or -1 on failure. */
static int feedback_exists(struct store_tx *tx, const char *booking_id, struct err *e)
{
	struct err lookup;
	struct stmt *s;

	err_init(&lookup);
	s = row_by_id(tx,
		      "SELECT 1 FROM booking_feedback WHERE tenant_id = ?1 AND booking_id = ?2",
		      booking_id, "feedback on booking", &lookup);
	if (s) {
		db_reset(s);
		return 1;
	}
	if (lookup.code == ERR_NOT_FOUND)
		return 0;
	*e = lookup;
	return -1;
}

int tx_feedback_put(struct store_tx *tx, const struct booking *b,
		    const struct booking_feedback *f, bool first, int64_t now, struct err *e)
{
	struct stmt *s;

	if (first) {
		int found = feedback_exists(tx, b->id, e);
		if (found)
			return found < 0 ? -1
					 : err_set(e, ERR_FEEDBACK_EXISTS, "booking %s already has feedback",
						   b->id);
		s = conn_prep(tx->c,
			      "INSERT INTO booking_feedback(tenant_id, booking_id, rating, comment,"
			      " created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
			      e);
		if (!s)
			return -1;
		db_bind_i64(s, 5, f->created_at);
		db_bind_i64(s, 6, f->updated_at);
	} else {
		s = conn_prep(tx->c,
			      "UPDATE booking_feedback SET rating = ?3, comment = ?4, updated_at = ?5"
			      " WHERE tenant_id = ?1 AND booking_id = ?2",
			      e);
		if (!s)
			return -1;
		db_bind_i64(s, 5, f->updated_at);
	}
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, b->id);
	db_bind_i64(s, 3, f->rating);
	bind_opt_text(s, 4, f->comment ? f->comment : "");
	if (step_done(tx->c, s, first ? "store feedback" : "update feedback", e))
		return -1;
	s = conn_prep(tx->c,
		      "UPDATE bookings SET version = version + 1, updated_at = ?3"
		      " WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, b->id);
	db_bind_i64(s, 3, now);
	if (step_done(tx->c, s, "update booking", e))
		return -1;
	return tx_stats_refresh(tx, b->provider_id, stats_day(b->start), e);
}
