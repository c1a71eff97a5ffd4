/* GET /v1/analytics: figures per local period (docs/api.md, Analytics) as JSON or CSV, or a
 * weekday × hour heatmap. */
#include "http/handlers.h"

#include <math.h>
#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/civil.h"
#include "http/h_common.h"
#include "util/ids.h"

static const char *const params[] = {"from", "to", "timezone", "group_by", "breakdown",
				     "provider_id", "service_id", "view", NULL};
static const char *const period_names[] = {"day", "week", "month", NULL};
static const char *const breakdown_names[] = {"", "provider", "service", NULL};
static const char *const weekdays[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};

static enum MHD_Result unknown_param(void *arg, enum MHD_ValueKind kind, const char *key,
				     const char *value)
{
	const char **bad = arg;
	const char *const *p;

	(void)kind;
	(void)value;
	for (p = params; *p; p++)
		if (!strcmp(*p, key))
			return MHD_YES;
	*bad = key;
	return MHD_NO;
}

/* The index of v in names (NULL-terminated), or -1. */
static int pick(const char *v, const char *const *names)
{
	int i;

	for (i = 0; names[i]; i++)
		if (*names[i] && !strcmp(v, names[i]))
			return i;
	return -1;
}

static int parse_query(struct req *r, struct an_query *q, bool *heatmap, struct err *e)
{
	const char *bad = NULL, *v;
	const char *zone = req_query(r, "timezone");
	int i;

	memset(q, 0, sizeof(*q));
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, unknown_param, &bad);
	if (bad)
		return err_field_code(e, ERR_INVALID, bad, "is not a parameter of this route");
	q->tz = tz_db_get(r->ctx->env.tz, zone ? zone : "UTC");
	if (!q->tz)
		return err_field_code(e, ERR_INVALID, "timezone", "is not a known IANA time zone");
	if (query_date(r, "from", &q->from_day, e) <= 0 || query_date(r, "to", &q->to_day, e) <= 0) {
		if (!e->code)
			err_field_code(e, ERR_INVALID, req_query(r, "from") ? "to" : "from",
				       "is required: a date YYYY-MM-DD");
		return -1;
	}
	if (q->to_day < q->from_day)
		return err_field_code(e, ERR_INVALID, "to", "must not be before from");
	if (q->to_day - q->from_day + 1 > AN_MAX_DAYS)
		return err_field_code(e, ERR_INVALID, "to", "the range is at most %d days",
				      AN_MAX_DAYS);
	q->group_by = AN_MONTH;
	if ((v = req_query(r, "group_by"))) {
		if ((i = pick(v, period_names)) < 0)
			return err_field_code(e, ERR_INVALID, "group_by",
					      "must be day, week or month");
		q->group_by = (enum an_period_kind)i;
	}
	if ((v = req_query(r, "breakdown"))) {
		if ((i = pick(v, breakdown_names)) < 0)
			return err_field_code(e, ERR_INVALID, "breakdown",
					      "must be provider or service");
		q->breakdown = (enum an_breakdown)i;
	}
	*heatmap = false;
	if ((v = req_query(r, "view"))) {
		if (strcmp(v, "heatmap"))
			return err_field_code(e, ERR_INVALID, "view", "must be heatmap");
		*heatmap = true;
	}
	if ((v = req_query(r, "provider_id"))) {
		if (!id_valid(v, "prv"))
			return err_set(e, ERR_NOT_FOUND, "provider %s not found", v);
		q->provider_id = v;
	}
	if ((v = req_query(r, "service_id"))) {
		if (!id_valid(v, "svc"))
			return err_set(e, ERR_NOT_FOUND, "service %s not found", v);
		q->service_id = v;
	}
	return 0;
}

/* Whether the client asked for CSV. */
static bool wants_csv(struct req *r)
{
	const char *a = req_header(r, "Accept");

	for (; a && *a; a++)
		if (!strncasecmp(a, "text/csv", 8))
			return true;
	return false;
}

/* --- the figures as values, shared by JSON and CSV --- */

static double round_to(double v, double unit)
{
	return round(v / unit) * unit;
}

/* A ratio rounded to 4 decimals; NAN when den is 0. */
static double rate(int64_t num, int64_t den)
{
	return den ? round_to((double)num / (double)den, 1e-4) : NAN;
}

static double minutes(int64_t sec)
{
	return round_to((double)sec / 60.0, 0.01);
}

/* The numeric figures in CSV column order; NAN = null. */
enum col {
	C_BOOKINGS, C_PENDING, C_CONFIRMED, C_DECLINED, C_CANCELLED, C_CANCELLED_EARLY,
	C_CANCELLED_LATE, C_COMPLETED, C_NO_SHOW, C_RESCHEDULES, C_NO_SHOW_RATE,
	C_CANCELLATION_RATE, C_LEAD50, C_LEAD90, C_AVG_DURATION, C_BOOKED, C_AVAILABLE,
	C_UTILISATION, C_ENTRY, C_WL_JOINED, C_WL_OFFERED, C_WL_TAKEN, C_WL_EXPIRED,
	C_WL_CONVERSION, C_RATINGS, C_AVERAGE_RATING, C__COUNT	/* ratings last: added later, so
								 * older columns keep their place */
};
#define IS_WAITLIST_COL(i) ((i) >= C_WL_JOINED && (i) <= C_WL_CONVERSION)
static const char *const col_names[C__COUNT] = {
	"bookings", "pending", "confirmed", "declined", "cancelled", "cancelled_early",
	"cancelled_late", "completed", "no_show", "reschedules", "no_show_rate",
	"cancellation_rate", "lead_time_p50_hours", "lead_time_p90_hours",
	"average_duration_minutes", "booked_minutes", "available_minutes", "utilisation",
	"entry_minutes", "joined", "offered", "taken", "expired", "conversion_rate", "ratings",
	"average_rating",
};

static void figure_values(const struct an_figures *f, double v[C__COUNT])
{
	const struct stats_cell *c = &f->cell;
	int p50 = stats_lead_percentile(c, 0.5), p90 = stats_lead_percentile(c, 0.9);
	int64_t done = c->by_status[BOOKING_COMPLETED] + c->by_status[BOOKING_NO_SHOW];

	v[C_BOOKINGS] = (double)c->bookings;
	v[C_PENDING] = (double)c->by_status[BOOKING_PENDING];
	v[C_CONFIRMED] = (double)c->by_status[BOOKING_CONFIRMED];
	v[C_DECLINED] = (double)c->by_status[BOOKING_DECLINED];
	v[C_CANCELLED] = (double)c->by_status[BOOKING_CANCELLED];
	v[C_CANCELLED_EARLY] = (double)(c->by_status[BOOKING_CANCELLED] - c->cancelled_late);
	v[C_CANCELLED_LATE] = (double)c->cancelled_late;
	v[C_COMPLETED] = (double)c->by_status[BOOKING_COMPLETED];
	v[C_NO_SHOW] = (double)c->by_status[BOOKING_NO_SHOW];
	v[C_RESCHEDULES] = (double)c->reschedules;
	v[C_NO_SHOW_RATE] = rate(c->by_status[BOOKING_NO_SHOW], done);
	v[C_CANCELLATION_RATE] = rate(c->by_status[BOOKING_CANCELLED], c->bookings);
	v[C_LEAD50] = p50 < 0 ? NAN : p50;
	v[C_LEAD90] = p90 < 0 ? NAN : p90;
	v[C_AVG_DURATION] = c->bookings ? round_to((double)c->duration_sec / 60.0 /
							   (double)c->bookings,
						   0.01)
					: NAN;
	v[C_BOOKED] = minutes(c->booked_sec);
	v[C_AVAILABLE] = f->with_open_time ? minutes(f->available_sec) : NAN;
	v[C_UTILISATION] = f->with_open_time ? rate(c->booked_sec, f->available_sec) : NAN;
	v[C_ENTRY] = f->with_open_time ? minutes(f->entry_sec) : NAN;
	v[C_RATINGS] = (double)c->ratings;
	v[C_AVERAGE_RATING] =
		c->ratings ? round_to((double)c->rating_sum / (double)c->ratings, 0.01) : NAN;
	v[C_WL_JOINED] = (double)f->wl_joined;
	v[C_WL_OFFERED] = (double)f->wl_offered;
	v[C_WL_TAKEN] = (double)f->wl_taken;
	v[C_WL_EXPIRED] = (double)f->wl_expired;
	v[C_WL_CONVERSION] = rate(f->wl_taken, f->wl_joined);
}

/* A number as the answer writes it: integers without a point, others with up to 12
 * significant digits (the figures are rounded to 4 or 2 decimals); "" for null. */
static void number_text(double v, char *out, size_t size)
{
	if (isnan(v))
		out[0] = '\0';
	else if (v == floor(v) && fabs(v) < 9e15)
		snprintf(out, size, "%lld", (long long)v);
	else
		snprintf(out, size, "%.12g", v);
}

static void money_texts(const struct an_money *m, char rev[32], char fees[32], char waived[32])
{
	stats_money_format(m->m.revenue, m->m.decimals, rev, 32);
	stats_money_format(m->m.fees, m->m.decimals, fees, 32);
	stats_money_format(m->m.waived, m->m.decimals, waived, 32);
}

/* --- JSON, written straight into the answer (a year by provider is about 1 MB) --- */

static void json_number(struct buf *b, double v)
{
	char text[48];

	number_text(v, text, sizeof(text));
	buf_adds(b, *text ? text : "null");
}

/* ,"key": */
static void json_key(struct buf *b, const char *key, bool first)
{
	if (!first)
		buf_addc(b, ',');
	buf_add_json_str(b, key);
	buf_addc(b, ':');
}

static void json_instant(struct buf *b, int64_t t, const struct tz *z)
{
	char s[RFC3339_STR_MAX];

	rfc3339_format(t, tz_offset_at(z, t), s);
	buf_add_json_str(b, s);
}

static void json_opt_str(struct buf *b, const char *s)
{
	if (s)
		buf_add_json_str(b, s);
	else
		buf_adds(b, "null");
}

/* The figures' members (without braces). */
static void json_figures(struct buf *b, const struct an_figures *f, bool first)
{
	double v[C__COUNT];
	size_t i;

	figure_values(f, v);
	for (i = 0; i < C__COUNT; i++) {
		if (IS_WAITLIST_COL(i))
			continue;
		json_key(b, col_names[i], first && i == 0);
		json_number(b, v[i]);
	}
	json_key(b, "waitlist", false);
	buf_addc(b, '{');
	for (i = C_WL_JOINED; IS_WAITLIST_COL(i); i++) {
		json_key(b, col_names[i], i == C_WL_JOINED);
		json_number(b, v[i]);
	}
	buf_adds(b, "},\"revenue\":[");
	for (i = 0; i < f->nmoney; i++) {
		char rev[32], fees[32], waived[32];
		money_texts(&f->money[i], rev, fees, waived);
		buf_adds(b, i ? ",{\"currency\":" : "{\"currency\":");
		buf_add_json_str(b, f->money[i].currency);
		buf_addf(b, ",\"completed\":\"%s\",\"fees_charged\":\"%s\",\"fees_waived\":\"%s\"}",
			 rev, fees, waived);
	}
	buf_addc(b, ']');
}

static void json_series(struct buf *b, const struct an_result *res,
			const struct an_figures *series, const struct tz *z)
{
	size_t k;

	buf_addc(b, '[');
	for (k = 0; k < res->nperiods; k++) {
		const struct an_period *p = &res->periods[k];
		buf_adds(b, k ? ",{\"label\":" : "{\"label\":");
		buf_add_json_str(b, p->label);
		json_key(b, "start", false);
		json_instant(b, p->start, z);
		json_key(b, "end", false);
		json_instant(b, p->end, z);
		json_key(b, "hours", false);
		json_number(b, (double)(p->end - p->start) / 3600.0);
		json_figures(b, &series[k], false);
		buf_addc(b, '}');
	}
	buf_addc(b, ']');
}

/* {"from", "to", "timezone", "provider_id", "service_id" (without the closing brace). */
static void json_head(struct buf *b, const struct an_query *q)
{
	char from[DATE_STR_MAX], to[DATE_STR_MAX];

	date_format(q->from_day, from);
	date_format(q->to_day, to);
	buf_adds(b, "{\"from\":");
	buf_add_json_str(b, from);
	json_key(b, "to", false);
	buf_add_json_str(b, to);
	json_key(b, "timezone", false);
	buf_add_json_str(b, tz_name(q->tz));
	json_key(b, "provider_id", false);
	json_opt_str(b, q->provider_id);
	json_key(b, "service_id", false);
	json_opt_str(b, q->service_id);
}

static void reply_json_buf(struct req *r)
{
	r->status = 200;
	r->content_type = "application/json";
}

static int reply_figures_json(struct req *r, const struct an_query *q,
			      const struct an_result *res)
{
	struct buf *b = &r->out;
	size_t i;

	buf_reset(b);
	json_head(b, q);
	json_key(b, "group_by", false);
	buf_add_json_str(b, period_names[q->group_by]);
	json_key(b, "breakdown", false);
	json_opt_str(b, q->breakdown ? breakdown_names[q->breakdown] : NULL);
	buf_adds(b, ",\"totals\":{");
	json_figures(b, &res->totals, true);
	buf_adds(b, "},\"series\":");
	json_series(b, res, res->series, q->tz);
	if (q->breakdown) {
		bool first = true;
		buf_adds(b, ",\"groups\":[");
		for (i = 0; i < res->ngroups; i++) {
			const struct an_group *g = &res->groups[i];
			if (!g->shown)
				continue;
			buf_adds(b, first ? "{" : ",{");
			first = false;
			json_key(b, q->breakdown == AN_BY_PROVIDER ? "provider_id" : "service_id",
				 true);
			buf_add_json_str(b, g->id);
			json_key(b, "name", false);
			buf_add_json_str(b, g->name);
			buf_adds(b, ",\"totals\":{");
			json_figures(b, &g->totals, true);
			buf_adds(b, "},\"series\":");
			json_series(b, res, g->series, q->tz);
			buf_addc(b, '}');
		}
		buf_addc(b, ']');
	}
	buf_addc(b, '}');
	reply_json_buf(r);
	return 0;
}

/* --- CSV --- */

/* Adds s as one CSV field (quoted when it needs to be). */
static void csv_field(struct buf *b, const char *s, bool first)
{
	if (!first)
		buf_addc(b, ',');
	if (!s[strcspn(s, ",\"\r\n")]) {
		buf_adds(b, s);
		return;
	}
	buf_addc(b, '"');
	for (; *s; s++) {
		if (*s == '"')
			buf_addc(b, '"');
		buf_addc(b, *s);
	}
	buf_addc(b, '"');
}

static int cmp_code(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The currencies of every figures in the answer, sorted and distinct, into out (room for
 * all of the totals' and groups' currencies). */
static size_t currencies(const struct an_result *res, char (*out)[4])
{
	size_t n = 0, i, j, g;

	for (g = 0; g <= res->ngroups; g++) {
		const struct an_figures *t = g < res->ngroups ? &res->groups[g].totals : &res->totals;
		if (g < res->ngroups && !res->groups[g].shown)
			continue;
		for (i = 0; i < t->nmoney; i++) {
			for (j = 0; j < n && strcmp(out[j], t->money[i].currency); j++)
				;
			if (j == n)
				snprintf(out[n++], 4, "%s", t->money[i].currency);
		}
	}
	qsort(out, n, sizeof(*out), cmp_code);
	return n;
}

static void csv_row(struct buf *b, const char *group, const char *period,
		    const struct an_period *p, const struct tz *z, const struct an_figures *f,
		    char (*cur)[4], size_t ncur)
{
	double v[C__COUNT];
	char text[RFC3339_STR_MAX + 8];
	size_t i, j;

	csv_field(b, group, true);
	csv_field(b, period, false);
	if (p) {
		rfc3339_format(p->start, tz_offset_at(z, p->start), text);
		csv_field(b, text, false);
		rfc3339_format(p->end, tz_offset_at(z, p->end), text);
		csv_field(b, text, false);
		number_text((double)(p->end - p->start) / 3600.0, text, sizeof(text));
		csv_field(b, text, false);
	} else {
		buf_adds(b, ",,,");
	}
	figure_values(f, v);
	for (i = 0; i < C__COUNT; i++) {
		number_text(v[i], text, sizeof(text));
		csv_field(b, text, false);
	}
	for (j = 0; j < ncur; j++) {
		char rev[32] = "", fees[32] = "", waived[32] = "";
		for (i = 0; i < f->nmoney; i++)
			if (!strcmp(f->money[i].currency, cur[j]))
				money_texts(&f->money[i], rev, fees, waived);
		csv_field(b, rev, false);
		csv_field(b, fees, false);
		csv_field(b, waived, false);
	}
	buf_adds(b, "\r\n");
}

static void csv_group(struct buf *b, const struct an_result *res, const char *group,
		      const struct an_figures *totals, const struct an_figures *series,
		      const struct tz *z, char (*cur)[4], size_t ncur)
{
	size_t k;

	for (k = 0; k < res->nperiods; k++)
		csv_row(b, group, res->periods[k].label, &res->periods[k], z, &series[k], cur,
			ncur);
	csv_row(b, group, "total", NULL, z, totals, cur, ncur);
}

static int reply_figures_csv(struct req *r, const struct an_query *q,
			     const struct an_result *res)
{
	size_t room = res->totals.nmoney, ncur, i;
	char(*cur)[4];
	struct buf *b = &r->out;

	for (i = 0; i < res->ngroups; i++)
		room += res->groups[i].totals.nmoney;
	cur = arena_alloc(r->arena, (room ? room : 1) * sizeof(*cur));
	ncur = currencies(res, cur);

	buf_reset(b);
	buf_adds(b, "group,period,start,end,hours");
	for (i = 0; i < C__COUNT; i++)
		buf_addf(b, ",%s%s", IS_WAITLIST_COL(i) ? "waitlist_" : "", col_names[i]);
	for (i = 0; i < ncur; i++)
		buf_addf(b, ",revenue_%s,fees_charged_%s,fees_waived_%s", cur[i], cur[i], cur[i]);
	buf_adds(b, "\r\n");
	csv_group(b, res, "", &res->totals, res->series, q->tz, cur, ncur);
	for (i = 0; i < res->ngroups; i++)
		if (res->groups[i].shown)
			csv_group(b, res, res->groups[i].id, &res->groups[i].totals,
				  res->groups[i].series, q->tz, cur, ncur);
	r->status = 200;
	r->content_type = "text/csv; charset=utf-8";
	return 0;
}

static int reply_heatmap(struct req *r, const struct an_query *q, int64_t counts[7][24],
			 bool csv)
{
	struct buf *b = &r->out;
	int d, h;

	buf_reset(b);
	if (csv) {
		buf_adds(b, "weekday,hour,bookings\r\n");
		for (d = 0; d < 7; d++)
			for (h = 0; h < 24; h++)
				buf_addf(b, "%s,%d,%lld\r\n", weekdays[d], h,
					 (long long)counts[d][h]);
		r->status = 200;
		r->content_type = "text/csv; charset=utf-8";
		return 0;
	}
	json_head(b, q);
	buf_adds(b, ",\"weekdays\":[");
	for (d = 0; d < 7; d++)
		buf_addf(b, "%s\"%s\"", d ? "," : "", weekdays[d]);
	buf_adds(b, "],\"counts\":[");
	for (d = 0; d < 7; d++) {
		buf_adds(b, d ? ",[" : "[");
		for (h = 0; h < 24; h++)
			buf_addf(b, "%s%lld", h ? "," : "", (long long)counts[d][h]);
		buf_addc(b, ']');
	}
	buf_adds(b, "]}");
	reply_json_buf(r);
	return 0;
}

int h_analytics(struct req *r, struct err *e)
{
	struct an_query q;
	struct an_result res;
	bool heatmap = false;

	if (parse_query(r, &q, &heatmap, e))
		return -1;
	req_add_header(r, "Vary", "Accept");
	if (heatmap) {
		int64_t counts[7][24];
		if (uc_analytics_heatmap(&r->uc, &q, counts, e))
			return -1;
		return reply_heatmap(r, &q, counts, wants_csv(r));
	}
	if (uc_analytics(&r->uc, &q, &res, e))
		return -1;
	return wants_csv(r) ? reply_figures_csv(r, &q, &res) : reply_figures_json(r, &q, &res);
}
