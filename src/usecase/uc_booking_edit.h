/* In-place edits of a booking and its customer feedback. Part of the use cases
 * (usecase/uc.h). */
#ifndef SLOTD_USECASE_UC_BOOKING_EDIT_H
#define SLOTD_USECASE_UC_BOOKING_EDIT_H

#include "usecase/uc.h"

/* The fields of a booking an edit may set. */
enum booking_field {
	BOOKING_NOTES = 1 << 0,
	BOOKING_INTERNAL_NOTES = 1 << 1,
	BOOKING_COMPLETION_NOTES = 1 << 2,
	BOOKING_CUSTOMER_NAME = 1 << 3,
	BOOKING_CUSTOMER_EMAIL = 1 << 4,
	BOOKING_CUSTOMER_PHONE = 1 << 5,
	BOOKING_METADATA = 1 << 6,
	BOOKING_LOCATION = 1 << 7,
};
/* What a customer (the booking's manage token) may edit. */
#define BOOKING_CUSTOMER_FIELDS                                                                \
	(BOOKING_NOTES | BOOKING_CUSTOMER_NAME | BOOKING_CUSTOMER_EMAIL | BOOKING_CUSTOMER_PHONE)

struct uc_booking_patch {
	unsigned set;			/* enum booking_field bits */
	struct booking v;		/* the new values of the fields in set (metadata NULL and
					 * location none clear them) */
	int if_match;			/* > 0: the version the caller saw */
};

/* Edits booking id: the fields in p->set take their values from p->v (version + 1,
 * booking.updated with the changes; an edit that changes nothing writes nothing). Staff and
 * admins may set every field in any status; the manage token only
 * BOOKING_CUSTOMER_FIELDS (ERR_FORBIDDEN otherwise) and only while the booking is pending or
 * confirmed (ERR_CONFLICT); customer keys nothing (ERR_FORBIDDEN). ERR_PRECONDITION when
 * If-Match names another version; ERR_NOT_FOUND for a booking out of the caller's reach.
 * *out is the booking after the edit, in *zone. */
int uc_booking_edit(struct uc_ctx *ctx, const char *id, const struct uc_booking_patch *p,
		    struct booking *out, const struct tz **zone, struct err *e);

/* A customer's feedback: rating 1..5 and comment (NULL = none). */
struct uc_feedback {
	int rating;			/* 0 = keep (an edit) */
	bool set_comment;		/* an edit: comment is given (NULL clears it) */
	const char *comment;
};

/* Gives (first) or edits the feedback on booking id: only its manage token (ERR_FORBIDDEN
 * for keys), only once the booking is completed (ERR_NOT_COMPLETED), once
 * (ERR_FEEDBACK_EXISTS), edited within FEEDBACK_EDIT_SECONDS of its first submission
 * (ERR_FEEDBACK_CLOSED; ERR_NOT_FOUND when there is none). Appends booking.feedback (the
 * booking before and after); an edit that changes nothing writes nothing. *out is the
 * feedback stored (in the call's arena). */
int uc_feedback_put(struct uc_ctx *ctx, const char *id, const struct uc_feedback *in,
		    bool first, struct booking_feedback *out, struct err *e);

/* The feedback on booking id for a caller who may see the booking; ERR_NOT_FOUND when there
 * is none. */
int uc_feedback_get(struct uc_ctx *ctx, const char *id, struct booking_feedback *out,
		    struct err *e);

#endif
