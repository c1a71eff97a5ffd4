/* The records of the scheduling domain as plain values. The store fills them, the HTTP layer
 * renders them, the engine reads the parts it needs through avail.h and slots.h. */
#ifndef SLOTD_CORE_MODEL_H
#define SLOTD_CORE_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/avail.h"
#include "core/booking.h"
#include "core/policy.h"
#include "core/recur.h"
#include "core/slots.h"
#include "core/tz.h"
#include "util/ids.h"

#define NAME_MAX_LEN 200	/* names and titles, in bytes */
#define EMAIL_MAX_LEN 254
#define NOTE_MAX_LEN 1000
#define PRICE_MAX_LEN 24
#define SERVICE_MAX_PROVIDERS 200
#define SCHEDULE_MAX_VERSIONS 24

typedef char id_t_[ID_MAX];	/* one id in an array of ids */

struct provider {
	char id[ID_MAX];
	char name[NAME_MAX_LEN + 1];
	char timezone[TZ_NAME_MAX];
	char email[EMAIL_MAX_LEN + 1];	/* "" = none */
	bool auto_confirm;
	int max_per_day;		/* 0 = no limit */
	int max_consecutive;		/* 0 = no limit */
	bool vacation;
	int64_t created_at;
	int64_t updated_at;
};

struct service {
	char id[ID_MAX];
	char name[NAME_MAX_LEN + 1];
	int duration_min;
	char price[PRICE_MAX_LEN + 1];	/* decimal string, "" = free/unset */
	char currency[4];		/* ISO 4217, "" when no price */
	int buffer_before_min;
	int buffer_after_min;
	int step_min;			/* 0 = the duration */
	int min_notice_min;
	int max_advance_days;		/* 0 = no limit */
	int capacity;
	bool requires_approval;		/* bookings start pending */
	struct policy policy;		/* the fields it sets; the rest come from the tenant */
	size_t nproviders;
	id_t_ *provider_ids;		/* borrowed (arena) */
	int64_t created_at;
	int64_t updated_at;
};

/* The engine's view of a service. */
static inline struct service_rules service_rules_of(const struct service *s)
{
	struct service_rules r = {
		.duration_min = s->duration_min,
		.step_min = s->step_min ? s->step_min : s->duration_min,
		.buffer_before_min = s->buffer_before_min,
		.buffer_after_min = s->buffer_after_min,
		.min_notice_min = s->min_notice_min,
		.max_advance_days = s->max_advance_days,
		.capacity = s->capacity,
	};
	return r;
}

struct schedule {
	size_t n;
	struct week_template v[SCHEDULE_MAX_VERSIONS];
};

/* A date override. With rrule it recurs: ov.from_day is its first date, ov.to_day its last
 * (CIVIL_MAX_DAY when endless), and it applies on each date of the rule. */
struct override_rec {
	char id[ID_MAX];
	char provider_id[ID_MAX];
	struct date_override ov;
	char rrule[RECUR_TEXT_MAX];	/* "" = a single date or range */
	char note[NOTE_MAX_LEN + 1];
	int64_t created_at;
};

/* A holiday on one date, or on each date of rrule from day up to until_day (CIVIL_MAX_DAY
 * when endless). "Yearly" holidays are stored as FREQ=YEARLY rules and keep yearly set. */
struct holiday_rec {
	char id[ID_MAX];
	char name[NAME_MAX_LEN + 1];
	int64_t day;
	bool yearly;
	char rrule[RECUR_TEXT_MAX];	/* "" = the one date */
	int64_t until_day;
	size_t nproviders;		/* 0 = every provider */
	id_t_ *provider_ids;		/* borrowed (arena) */
	int64_t created_at;
};

struct time_off_rec {
	char id[ID_MAX];
	char provider_id[ID_MAX];
	struct interval span;		/* UTC */
	char reason[NOTE_MAX_LEN + 1];
	int64_t created_at;
};

#define PHONE_MAX_LEN 40
#define METADATA_MAX_LEN 4096

struct booking {
	char id[ID_MAX];
	char reference[BOOKING_REFERENCE_LEN + 1];
	char service_id[ID_MAX];
	char provider_id[ID_MAX];
	int64_t start;			/* UTC */
	int64_t end;
	int64_t block_start;		/* start - buffer_before */
	int64_t block_end;		/* end + buffer_after */
	int capacity;			/* the service's seats when booked */
	enum booking_status status;
	char customer_name[NAME_MAX_LEN + 1];
	char customer_email[EMAIL_MAX_LEN + 1];
	char customer_phone[PHONE_MAX_LEN + 1];
	char notes[NOTE_MAX_LEN + 1];
	const char *metadata;		/* JSON object text or NULL; borrowed (arena) */
	char price[PRICE_MAX_LEN + 1];
	char currency[4];
	struct policy policy;		/* resolved and copied when booked */
	int reschedule_count;
	char fee[PRICE_MAX_LEN + 1];	/* fee owed, "" = none */
	char fee_reason[24];		/* "late_cancellation", "no_show" */
	int version;			/* the ETag: bumped by every change */
	int64_t created_at;
	int64_t updated_at;
};

struct booking_event {
	int64_t at;
	char actor[32];
	char from_status[16];		/* "" for the creation */
	char to_status[16];
	char reason[NOTE_MAX_LEN + 1];
};

enum role { ROLE_ADMIN = 0, ROLE_STAFF, ROLE_CUSTOMER, ROLE__COUNT };

const char *role_name(enum role r);
int role_parse(const char *s, enum role *out);

#endif
