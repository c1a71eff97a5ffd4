/* The storage interface, continued: in-place edits of a booking and its customer feedback.
 * The rules of store/store.h apply. */
#ifndef SLOTD_STORE_STORE_BOOKING_EDIT_H
#define SLOTD_STORE_STORE_BOOKING_EDIT_H

#include "store/store.h"

/* Stores b's editable fields — notes, internal and completion notes, the customer's name,
 * e-mail and phone, metadata and location — with version + 1 and updated_at now, if the
 * stored version is still b->version (ERR_PRECONDITION otherwise). */
int tx_booking_update(struct store_tx *tx, const struct booking *b, int64_t now,
		      struct err *e);

/* The feedback on booking_id into *out (comment in a); ERR_NOT_FOUND when there is none. */
int tx_feedback_get(struct store_tx *tx, const char *booking_id, struct arena *a,
		    struct booking_feedback *out, struct err *e);
/* Stores the feedback f on booking b (insert when first, else an update; ERR_CONFLICT when
 * inserting a second), bumps the booking's version and updated_at to now, and rewrites the
 * analytics summary of its day, which counts ratings. */
int tx_feedback_put(struct store_tx *tx, const struct booking *b,
		    const struct booking_feedback *f, bool first, int64_t now, struct err *e);

#endif
