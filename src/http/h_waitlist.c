/* /v1/waitlist: customers waiting for a start; offers are made as holds when time frees
 * (src/usecase/uc_waitlist.c). */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "http/json_in.h"

#define WAITLIST_MAX_DAYS 366
#define WAITLIST_MAX_PRIORITY 1000

static const char *const entry_keys[] = {"service_id", "provider_id", "customer",
					 "earliest_date", "latest_date", "weekdays",
					 "time_windows", "priority", "notes", NULL};
static const char *const patch_customer_keys[] = {"name", "email", "phone", NULL};
static const char *const weekday_names[7] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static void parse_weekdays(json_t *v, struct waitlist_entry *w, struct err *e)
{
	size_t i, d;

	if (!v || json_is_null(v))
		return;
	if (!json_is_array(v)) {
		err_field(e, "/weekdays", "must be an array such as [\"mon\", \"wed\"]");
		return;
	}
	for (i = 0; i < json_array_size(v); i++) {
		const char *name = json_string_value(json_array_get(v, i));
		for (d = 0; d < 7 && (!name || strcmp(name, weekday_names[d])); d++)
			;
		if (d == 7) {
			char ptr[32];
			snprintf(ptr, sizeof(ptr), "/weekdays/%zu", i);
			err_field(e, ptr, "must be one of mon, tue, wed, thu, fri, sat, sun");
			continue;
		}
		w->weekdays |= 1u << d;
	}
}

/* The time_windows member into w (null: any time of day). */
static void parse_windows(json_t *o, struct waitlist_entry *w, struct err *e)
{
	struct day_hours windows;
	size_t i;

	memset(&windows, 0, sizeof(windows));
	if (json_is_null_at(o, "time_windows")) {
		w->nwindows = 0;
		return;
	}
	if (json_get_hours(o, "", "time_windows", &windows, e) != 1)
		return;
	if (windows.n > WAITLIST_MAX_WINDOWS)
		err_field(e, "/time_windows", "at most %d windows", WAITLIST_MAX_WINDOWS);
	for (i = 0; i < windows.n && i < WAITLIST_MAX_WINDOWS; i++) {
		w->windows[i].from_min = windows.iv[i].start_min;
		w->windows[i].to_min = windows.iv[i].end_min;
	}
	w->nwindows = i;
}

/* The date rules of a POST, also for an edit's result. */
static int dates_check(const struct waitlist_entry *w, struct err *e)
{
	if (w->latest_day < w->earliest_day)
		return err_field(e, "/latest_date", "must not be before earliest_date");
	if (w->latest_day - w->earliest_day >= WAITLIST_MAX_DAYS)
		return err_field(e, "/latest_date", "must be within %d days of earliest_date",
				 WAITLIST_MAX_DAYS);
	return 0;
}

static int parse(struct req *r, struct waitlist_entry *w, struct err *e)
{
	json_t *o = r->json;
	const char *sid, *pid;

	json_only_keys(o, "", entry_keys, e);
	if ((sid = json_service_id(o, e)))
		snprintf(w->service_id, ID_MAX, "%s", sid);
	if ((pid = json_provider_choice(o, e)))
		snprintf(w->provider_id, ID_MAX, "%s", pid);
	json_get_customer(o, w->customer_name, w->customer_email, w->customer_phone, e);
	if (json_get_date(o, "", "earliest_date", &w->earliest_day, e) == 0)
		json_required("", "earliest_date", e);
	if (json_get_date(o, "", "latest_date", &w->latest_day, e) == 0)
		json_required("", "latest_date", e);
	parse_weekdays(json_object_get(o, "weekdays"), w, e);
	parse_windows(o, w, e);
	if (json_get_int(o, "", "priority", -WAITLIST_MAX_PRIORITY, WAITLIST_MAX_PRIORITY,
			 &w->priority, e) == 1 &&
	    r->auth.role != ROLE_ADMIN && r->auth.role != ROLE_STAFF)
		err_field(e, "/priority", "only staff and admin keys may set a priority");
	json_get_str(o, "", "notes", NOTE_MAX_LEN, w->notes, sizeof(w->notes), e);
	if (e->code)
		return -1;
	return dates_check(w, e);
}

/* The customer member of an edit: name and phone may change, the e-mail address (which
 * the entry's offers go to and its customer is known by) may not. */
static void patch_customer(json_t *o, struct waitlist_entry *w, struct err *e)
{
	json_t *c = json_object_get(o, "customer");
	int got;

	if (!c)
		return;
	if (!json_is_object(c)) {
		err_field(e, "/customer", "must be an object {\"name\", \"phone\"}");
		return;
	}
	json_only_keys(c, "/customer", patch_customer_keys, e);
	got = json_get_str(c, "/customer", "name", NAME_MAX_LEN, w->customer_name,
			   sizeof(w->customer_name), e);
	if ((got == 0 && json_is_null_at(c, "name")) || (got > 0 && !*w->customer_name))
		err_field(e, "/customer/name", "must not be empty");
	if (json_is_null_at(c, "phone"))
		w->customer_phone[0] = '\0';
	else
		json_get_str(c, "/customer", "phone", PHONE_MAX_LEN, w->customer_phone,
			     sizeof(w->customer_phone), e);
	if (json_object_get(c, "email")) {
		const char *email = json_string_value(json_object_get(c, "email"));
		if (!email || strcmp(email, w->customer_email))
			err_field(e, "/customer/email",
				  "cannot be changed: remove the entry and add a new one");
	}
}

/* Reads an edit of entry was into w. */
static int parse_patch(struct req *r, const struct waitlist_entry *was,
		       struct waitlist_entry *w, struct err *e)
{
	json_t *o = r->json;
	int priority;

	*w = *was;
	json_only_keys(o, "", entry_keys, e);
	if (json_object_get(o, "service_id"))
		err_field(e, "/service_id",
			  "cannot be changed: remove the entry and add a new one");
	if (json_object_get(o, "provider_id"))
		err_field(e, "/provider_id",
			  "cannot be changed: remove the entry and add a new one");
	patch_customer(o, w, e);
	if (json_is_null_at(o, "earliest_date"))
		json_required("", "earliest_date", e);
	else
		json_get_date(o, "", "earliest_date", &w->earliest_day, e);
	if (json_is_null_at(o, "latest_date"))
		json_required("", "latest_date", e);
	else
		json_get_date(o, "", "latest_date", &w->latest_day, e);
	if (json_object_get(o, "weekdays")) {
		w->weekdays = 0;
		parse_weekdays(json_object_get(o, "weekdays"), w, e);
	}
	parse_windows(o, w, e);
	if (json_is_null_at(o, "priority"))
		w->priority = 0;
	else if (json_get_int(o, "", "priority", -WAITLIST_MAX_PRIORITY, WAITLIST_MAX_PRIORITY,
			      &priority, e) == 1)
		w->priority = priority;
	if (json_is_null_at(o, "notes"))
		w->notes[0] = '\0';
	else
		json_get_str(o, "", "notes", NOTE_MAX_LEN, w->notes, sizeof(w->notes), e);
	if (e->code)
		return -1;
	return dates_check(w, e);
}

int h_waitlist_create(struct req *r, struct err *e)
{
	struct waitlist_entry w;

	memset(&w, 0, sizeof(w));
	if (parse(r, &w, e) || uc_waitlist_create(&r->uc, &w, e))
		return -1;
	return reply_json(r, 201, wire_waitlist(&w));
}

int h_waitlist_get(struct req *r, struct err *e)
{
	struct waitlist_entry w;
	const char *id;

	if (path_id(r, 0, "wtl", &id, e) || uc_waitlist_get(&r->uc, id, &w, e))
		return -1;
	return reply_json(r, 200, wire_waitlist(&w));
}

int h_waitlist_list(struct req *r, struct err *e)
{
	struct waitlist_filter f = {req_query(r, "service_id"), -1, NULL};
	const char *status = req_query(r, "status");
	struct waitlist_entry *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (status) {
		enum waitlist_status st;
		if (waitlist_status_parse(status, &st))
			return err_field_code(e, ERR_INVALID, "status",
					      "must be waiting, offered, booked or expired");
		f.status = (int)st;
	}
	if (page_from_query(r, "wtl", &pg, e) || uc_waitlist_list(&r->uc, &f, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_waitlist(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_waitlist_patch(struct req *r, struct err *e)
{
	struct waitlist_entry was, w;
	const char *id;

	if (path_id(r, 0, "wtl", &id, e) || uc_waitlist_get(&r->uc, id, &was, e) ||
	    parse_patch(r, &was, &w, e) || uc_waitlist_update(&r->uc, &was, &w, e))
		return -1;
	return reply_json(r, 200, wire_waitlist(&w));
}

int h_waitlist_delete(struct req *r, struct err *e)
{
	const char *id;

	if (path_id(r, 0, "wtl", &id, e) || uc_waitlist_delete(&r->uc, id, e))
		return -1;
	return reply_no_content(r);
}
