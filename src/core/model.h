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
#include "core/reminder.h"
#include "core/slots.h"
#include "core/tz.h"
#include "util/err.h"
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
	/* The profile, borrowed (arena); NULL = none. Arrays are JSON text. Only reads given
	 * an arena fill them (tx_provider_list, tx_provider_profile_read). */
	const char *bio;
	const char *specialties;	/* JSON array of strings */
	const char *photo_url;
	const char *languages;		/* JSON array of BCP 47 tags */
	const char *locale;		/* messages to the provider; NULL = the tenant's */
	const char *video_url;		/* the provider's fixed meeting room */
};

/* A provider's own terms for a service: price "" and duration_min 0 = the service's. The
 * currency is always the service's. */
struct provider_offer {
	char provider_id[ID_MAX];
	char price[PRICE_MAX_LEN + 1];
	int duration_min;
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
	bool public;			/* listed on the tenant's public booking page */
	const struct location *location;	/* borrowed (arena); NULL = none */
	struct policy policy;		/* the fields it sets; the rest come from the tenant */
	struct reminder_offsets reminders;	/* not set: the tenant's */
	size_t nproviders;
	id_t_ *provider_ids;		/* borrowed (arena) */
	size_t noffers;
	struct provider_offer *offers;	/* borrowed (arena); by provider id; only providers with
					 * their own price or duration (a provider no longer in
					 * provider_ids is ignored) */
	int64_t created_at;
	int64_t updated_at;
};

/* An edit of a provider: the fields in set take their values from v. */
enum provider_field {
	PROVIDER_NAME = 1 << 0,
	PROVIDER_TIMEZONE = 1 << 1,
	PROVIDER_EMAIL = 1 << 2,
	PROVIDER_AUTO_CONFIRM = 1 << 3,
	PROVIDER_MAX_PER_DAY = 1 << 4,
	PROVIDER_MAX_CONSECUTIVE = 1 << 5,
	PROVIDER_VACATION = 1 << 6,
	PROVIDER_BIO = 1 << 7,
	PROVIDER_SPECIALTIES = 1 << 8,
	PROVIDER_PHOTO_URL = 1 << 9,
	PROVIDER_LANGUAGES = 1 << 10,
	PROVIDER_LOCALE = 1 << 11,
	PROVIDER_VIDEO_URL = 1 << 12,
};

struct provider_patch {
	unsigned set;		/* enum provider_field bits */
	struct provider v;
};

void provider_apply(struct provider *p, const struct provider_patch *pp);

/* An edit of a service: the fields in set take their values from v. */
enum service_field {
	SERVICE_NAME = 1 << 0,
	SERVICE_DURATION = 1 << 1,
	SERVICE_PRICE = 1 << 2,
	SERVICE_CURRENCY = 1 << 3,
	SERVICE_BUFFER_BEFORE = 1 << 4,
	SERVICE_BUFFER_AFTER = 1 << 5,
	SERVICE_STEP = 1 << 6,
	SERVICE_MIN_NOTICE = 1 << 7,
	SERVICE_MAX_ADVANCE = 1 << 8,
	SERVICE_CAPACITY = 1 << 9,
	SERVICE_APPROVAL = 1 << 10,
	SERVICE_POLICY = 1 << 11,
	SERVICE_PROVIDERS = 1 << 12,
	SERVICE_REMINDERS = 1 << 13,
	SERVICE_PUBLIC = 1 << 14,
	SERVICE_LOCATION = 1 << 15,
};

struct service_patch {
	unsigned set;		/* enum service_field bits */
	struct service v;
};

void service_apply(struct service *s, const struct service_patch *sp);
/* Rules across fields: a price needs a currency and a currency a price. */
int service_check(const struct service *s, struct err *e);

/* A non-negative decimal with up to 9 integer and 4 fraction digits, e.g. "45" or "45.50". */
bool price_text_ok(const char *p);

/* The own terms of provider_id for s, or NULL when it has none (or does not offer s). */
const struct provider_offer *service_offer(const struct service *s, const char *provider_id);
/* What a booking of s with provider_id lasts (minutes) and costs ("" = no price). */
int service_duration_for(const struct service *s, const char *provider_id);
const char *service_price_for(const struct service *s, const char *provider_id);
/* The engine's view of s for provider_id: its own duration (and a step of 0 follows it). */
struct service_rules service_rules_for(const struct service *s, const char *provider_id);
/* s's offers ordered by provider id, those of providers no longer in s->provider_ids left
 * out, for reads that look up the terms of many of s's providers (service_offer scans the
 * offers and the providers on every call). Borrows s's offers; memory from a. */
struct arena;
struct offer_index {
	const struct provider_offer **v;
	size_t n;
};
void offer_index_build(const struct service *s, struct arena *a, struct offer_index *out);
/* service_rules_for through ix, built from s. */
struct service_rules service_rules_indexed(const struct service *s, const struct offer_index *ix,
					   const char *provider_id);

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
	int64_t updated_at;		/* the last edit; created_at until edited */
};

/* What a holiday is, as the tenant tells its staff; every type closes the same way. */
enum holiday_type {
	HOLIDAY_PUBLIC = 0,
	HOLIDAY_CLOSURE,
	HOLIDAY_MAINTENANCE,
	HOLIDAY_OTHER,
};
/* "public", "closure", "maintenance", "other". */
const char *holiday_type_name(enum holiday_type t);
/* Parses a type name; -1 when unknown. */
int holiday_type_parse(const char *name, enum holiday_type *out);

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
	enum holiday_type type;
	int64_t created_at;
	int64_t updated_at;		/* the last edit; created_at until edited */
};

struct time_off_rec {
	char id[ID_MAX];
	char provider_id[ID_MAX];
	struct interval span;		/* UTC */
	char reason[NOTE_MAX_LEN + 1];
	int64_t created_at;
	int64_t updated_at;		/* the last edit; created_at until edited */
};

#define WHSEC_MAX 96			/* a webhook secret: "whsec_" + base64 of 32 bytes */
#define LOCALE_MAX 16			/* "en", "de", … */
/* Whether messages can be written in locale ("en", "de"). */
bool locale_supported(const char *locale);

#define PHONE_MAX_LEN 40
#define METADATA_MAX_LEN 4096

/* Where an appointment takes place. A service's location says how (for video: the URL
 * template to build each booking's link from, or "" for the provider's own video_url); a
 * booking's location is the resolved one (for video: the link itself). */
enum location_kind {
	LOCATION_NONE = 0,
	LOCATION_IN_PERSON,	/* value: the address */
	LOCATION_PHONE,		/* value: the phone number to call */
	LOCATION_VIDEO,		/* value: a URL (booking), a URL template or "" (service) */
};
#define LOCATION_VALUE_MAX 1000

struct location {
	enum location_kind kind;
	char value[LOCATION_VALUE_MAX + 1];
};

/* "in_person", "phone", "video"; NULL for LOCATION_NONE. */
const char *location_kind_name(enum location_kind k);
/* Parses a kind name; -1 when unknown. */
int location_kind_parse(const char *name, enum location_kind *out);
/* The stored text of a location: "" for none, else "<kind>:<value>". size >= 16 +
 * LOCATION_VALUE_MAX suffices. */
void location_encode(const struct location *l, char *out, size_t size);
/* Reads location_encode's text (NULL or "" = none). Returns 0 / -1 on malformed text, with
 * *l set to none. */
int location_decode(const char *text, struct location *l);
#define LOCATION_TEXT_MAX (LOCATION_VALUE_MAX + 16)

/* A customer's feedback on a completed booking. */
#define FEEDBACK_COMMENT_MAX 2000
#define FEEDBACK_EDIT_SECONDS (7 * 86400)	/* editable this long after its first submission */
struct booking_feedback {
	int rating;			/* 1..5 */
	const char *comment;		/* NULL = none; borrowed (arena) */
	int64_t created_at;
	int64_t updated_at;
};

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
	char internal_notes[NOTE_MAX_LEN + 1];	/* staff only, never shown to customers */
	char completion_notes[NOTE_MAX_LEN + 1];	/* staff's notes on the session */
	struct location location;	/* copied from the service when booked */
	const char *metadata;		/* JSON object text or NULL; borrowed (arena) */
	char price[PRICE_MAX_LEN + 1];
	char currency[4];
	struct policy policy;		/* resolved and copied when booked */
	int reschedule_count;
	char fee[PRICE_MAX_LEN + 1];	/* fee owed, "" = none */
	char fee_reason[24];		/* "late_cancellation", "no_show" */
	char fee_waived[PRICE_MAX_LEN + 1];	/* the fee a waiver let go, "" = none */
	int64_t closed_at;		/* when it reached a final status; 0 = not yet */
	char locale[LOCALE_MAX];	/* for messages; "" = the tenant's */
	const struct booking_feedback *feedback;	/* NULL = none; borrowed (arena) */
	int version;			/* the ETag: bumped by every change */
	int64_t created_at;
	int64_t updated_at;
};

#define BOOKING_EVENT_ACTOR_MAX 64
struct booking_event {
	int64_t at;
	char actor[32];			/* actor_history_name */
	char user_id[ID_MAX];		/* the console user who did it; "" otherwise (stored
					 * after the role as "staff:usr_…") */
	char from_status[16];		/* "" for the creation */
	char to_status[16];
	char reason[NOTE_MAX_LEN + 1];
};

enum role { ROLE_ADMIN = 0, ROLE_STAFF, ROLE_CUSTOMER, ROLE__COUNT };

const char *role_name(enum role r);
int role_parse(const char *s, enum role *out);

/* --- holds: a start reserved for a few minutes --- */
#define HOLD_OWNER_MAX 320

struct hold {
	char id[ID_MAX];
	char service_id[ID_MAX];
	char provider_id[ID_MAX];
	int64_t start, end, block_start, block_end;
	char owner[HOLD_OWNER_MAX];	/* whose cap it counts against: "key:<id>" or
					 * "key:<id>|email:<address>"; "waitlist" for offers */
	char key_id[ID_MAX];		/* the API key that may use it; "" = staff and admin only */
	char waitlist_id[ID_MAX];	/* "" unless offered to a waitlist entry */
	int64_t expires_at;
	int64_t created_at;
};

/* --- the waitlist --- */
#define WAITLIST_MAX_WINDOWS 8

enum waitlist_status {
	WAITLIST_WAITING = 0,
	WAITLIST_OFFERED,
	WAITLIST_BOOKED,
	WAITLIST_EXPIRED,
	WAITLIST__STATUS_COUNT
};

const char *waitlist_status_name(enum waitlist_status s);
int waitlist_status_parse(const char *s, enum waitlist_status *out);

struct waitlist_entry {
	char id[ID_MAX];
	char service_id[ID_MAX];
	char provider_id[ID_MAX];	/* "" = any of the service's providers */
	char customer_name[NAME_MAX_LEN + 1];
	char customer_email[EMAIL_MAX_LEN + 1];
	char customer_phone[PHONE_MAX_LEN + 1];
	int64_t earliest_day, latest_day;	/* local dates, inclusive */
	unsigned weekdays;		/* bit 0 = Monday … bit 6 = Sunday; 0 = any */
	size_t nwindows;		/* 0 = any time of day */
	struct {
		int from_min, to_min;	/* local minutes of the day the start may take */
	} windows[WAITLIST_MAX_WINDOWS];
	int priority;			/* higher first */
	enum waitlist_status status;
	char hold_id[ID_MAX];		/* the current or last offer */
	char offer_provider_id[ID_MAX];
	int64_t offer_start;
	int64_t offer_expires_at;
	int offers;			/* how many offers it has had */
	char booking_id[ID_MAX];
	char key_id[ID_MAX];		/* the API key that added it (its offers are that key's) */
	char notes[NOTE_MAX_LEN + 1];	/* staff's notes on the entry */
	int64_t created_at;
	int64_t updated_at;
};

/* --- API keys and who acts --- */
#define KEY_NAME_MAX 200
#define KEY_MAX_PROVIDERS 50	/* providers a staff key may be limited to */

struct api_key {
	char id[ID_MAX];
	char name[KEY_NAME_MAX + 1];
	enum role role;
	bool scoped;			/* limited to provider_ids (staff keys) */
	size_t nproviders;
	id_t_ *provider_ids;		/* borrowed (arena); sorted when read from the store */
	int64_t expires_at;		/* 0 = never */
	int64_t last_used_at;		/* 0 = never */
	int64_t created_at;
};

/* --- console users: people who sign in with an e-mail and a password --- */
#define USER_PASSWORD_MIN 10	/* bytes */
#define USER_PASSWORD_MAX 200

struct user {
	char id[ID_MAX];		/* usr_… */
	char email[EMAIL_MAX_LEN + 1];	/* lower case */
	char name[NAME_MAX_LEN + 1];
	enum role role;			/* ROLE_ADMIN or ROLE_STAFF */
	char provider_id[ID_MAX];	/* a staff user limited to this provider; "" = none */
	bool disabled;
	int64_t created_at;
	int64_t updated_at;
	int64_t last_login_at;		/* 0 = never */
};

/* Who a request or a background duty acts as. */
/* A tenant's settings: the rate limit of each of its API keys, when it has its own. */
#define PAGE_COLOR_MAX 8		/* "#rrggbb" */
#define PAGE_URL_MAX 512

/* How the tenant's public booking page looks ("" = not set). */
struct booking_page {
	char display_name[NAME_MAX_LEN + 1];	/* "" = the tenant's name */
	char brand_color[PAGE_COLOR_MAX];
	char logo_url[PAGE_URL_MAX + 1];	/* https only */
	bool no_provider_choice;		/* customers may only pick "anyone" */
};

/* Stored as lines: display name, colour, logo URL, "any" when customers may not choose a
 * provider; "" when nothing is set. The values hold no line breaks (checked on input). */
#define BOOKING_PAGE_TEXT_MAX (NAME_MAX_LEN + PAGE_COLOR_MAX + PAGE_URL_MAX + 16)
void booking_page_encode(const struct booking_page *p, char out[BOOKING_PAGE_TEXT_MAX]);
void booking_page_decode(const char *s, struct booking_page *out);

struct tenant_settings {
	char locale[LOCALE_MAX];	/* messages' default locale; "" = "en" */
	bool key_limit_set;
	unsigned key_quota;	/* requests per window; 0 = no limit */
	unsigned key_window;	/* seconds, 1..86400 */
	struct booking_page page;
};

struct auth {
	char tenant_id[ID_MAX];
	enum role role;
	char booking_id[ID_MAX];	/* a manage token's booking; "" for API keys */
	char key_id[ID_MAX];		/* the API key's id; "" for manage tokens; for a
					 * session, its user's id (what rate limits, holds
					 * and provider scopes are keyed by) */
	char user_id[ID_MAX];		/* the signed-in user of a session; "" otherwise */
	int64_t expires_at;		/* 0 = never */
	int64_t last_used_at;		/* as recorded when the key was looked up; 0 = never */
	bool scoped;			/* a staff key limited to the providers in scope */
	bool visitor;			/* a visitor of the public booking page: role customer,
					 * key_id "pub_…" names the client address */
	size_t nscope;
	id_t_ scope[KEY_MAX_PROVIDERS];	/* sorted */
};

/* True when the caller may act for provider_id (always, unless scoped). */
bool auth_covers(const struct auth *a, const char *provider_id);

enum actor_type {
	ACTOR_KEY = 0,
	ACTOR_MANAGE_TOKEN,
	ACTOR_SYSTEM,
	ACTOR_VISITOR,
	ACTOR_USER,		/* a console user, signed in with a session */
	ACTOR__COUNT
};

struct actor {
	enum actor_type type;
	char id[ID_MAX];		/* key id, the manage token's booking id, a user's id,
					 * or a duty's name */
	int role;			/* enum role; -1 for the system */
};

const char *actor_type_name(enum actor_type t);
/* The actor behind an authenticated caller. */
struct actor actor_of_auth(const struct auth *a);
/* A background duty ("sweeper", "cli", ...). */
struct actor actor_system(const char *name);
/* The word booking histories record: the role, "customer" for a manage token, "system". */
const char *actor_history_name(const struct actor *a);

/* --- events: every change, as the outbox and the audit log keep it --- */
#define EVENT_TYPE_MAX 40
#define REQUEST_ID_MAX 65

struct event_rec {
	int64_t seq;			/* per tenant, strictly increasing in commit order */
	char id[ID_MAX];		/* evt_… */
	char type[EVENT_TYPE_MAX];
	char subject_id[ID_MAX];
	struct actor actor;
	char request_id[REQUEST_ID_MAX];	/* "" when no request caused it */
	const char *payload;		/* JSON text; borrowed (arena) */
	const char *changes;		/* JSON text or NULL; borrowed (arena) */
	int64_t created_at;
};

/* The dates (ascending, at most max) within from_day..to_day on which an override applies:
 * every date of its range, or of its rule. */
size_t override_rec_dates(const struct override_rec *o, int64_t from_day, int64_t to_day,
			  int64_t *out, size_t max);
/* The same for a holiday: its date, or the dates of its rule. */
size_t holiday_rec_dates(const struct holiday_rec *h, int64_t from_day, int64_t to_day,
			 int64_t *out, size_t max);

#endif
