#include "http/metrics.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/router.h"
#include "notify/calsync.h"
#include "notify/worker.h"
#include "store/store_notify.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/metrics.h"

/* Status classes: 1xx-2xx, 3xx, 4xx, 5xx. */
#define CLASSES 4
static const char *const class_names[CLASSES] = {"2xx", "3xx", "4xx", "5xx"};
static const char *const method_names[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OTHER"};
#define METHODS (sizeof(method_names) / sizeof(method_names[0]))

enum booking_outcome {
	OUT_CREATED,	/* 201 */
	OUT_REPLAYED,	/* 200: an idempotent repeat */
	OUT_CONFLICT,	/* 409: taken, hold expired, key in flight */
	OUT_REJECTED,	/* 422: not offered, policy, invalid */
	OUT_LIMITED,	/* 429 */
	OUT_CLIENT,	/* other 4xx: auth, malformed */
	OUT_ERROR,	/* 5xx */
	OUT__COUNT
};
static const char *const outcome_names[OUT__COUNT] = {
	"created", "replayed", "conflict", "rejected", "limited", "client_error", "error"};

static struct {
	size_t nroutes;
	struct hist *routed;		/* [nroutes][CLASSES] */
	struct hist unrouted[METHODS][CLASSES];
	int booking_route;		/* POST /v1/bookings */
	int slots_route;		/* GET /v1/slots */
	atomic_uint_fast64_t bookings[OUT__COUNT];
	atomic_uint_fast64_t slot_queries;
	atomic_uint_fast64_t limited[RL__COUNT];
	atomic_uint_fast64_t unanswered[UNANSWERED__COUNT];
} m;

static const char *const unanswered_names[UNANSWERED__COUNT] = {"timeout", "client_closed",
								"error", "shutdown"};

void http_metrics_init(void)
{
	if (m.routed)
		return;
	m.nroutes = router_routes();
	m.routed = xcalloc(m.nroutes * CLASSES, sizeof(*m.routed));
	m.booking_route = router_find(HTTP_POST, "/v1/bookings");
	m.slots_route = router_find(HTTP_GET, "/v1/slots");
}

static size_t class_of(unsigned status)
{
	if (status >= 500)
		return 3;
	if (status >= 400)
		return 2;
	if (status >= 300)
		return 1;
	return 0;
}

static enum booking_outcome outcome_of(unsigned status)
{
	switch (status) {
	case 201:
		return OUT_CREATED;
	case 200:
		return OUT_REPLAYED;
	case 409:
		return OUT_CONFLICT;
	case 422:
		return OUT_REJECTED;
	case 429:
		return OUT_LIMITED;
	default:
		return status >= 500 ? OUT_ERROR : OUT_CLIENT;
	}
}

static void log_line(struct req *r, const char *route, uint64_t took_ns, size_t bytes_out)
{
	struct buf b;

	buf_init(&b, 4096);
	buf_addf(&b, "\"method\":\"%s\",\"route\":", method_names[r->method]);
	buf_add_json_str(&b, route);
	buf_addf(&b, ",\"status\":%u,\"duration_us\":%llu", r->status,
		 (unsigned long long)(took_ns / 1000));
	if (*r->auth.tenant_id) {
		buf_adds(&b, ",\"tenant\":");
		buf_add_json_str(&b, r->auth.tenant_id);
	}
	if (*r->auth.key_id) {
		buf_adds(&b, ",\"key_id\":");
		buf_add_json_str(&b, r->auth.key_id);
	} else if (*r->auth.booking_id) {
		buf_adds(&b, ",\"credential\":\"manage_token\"");
	}
	buf_adds(&b, ",\"request_id\":");
	buf_add_json_str(&b, r->request_id);
	buf_addf(&b, ",\"bytes_in\":%zu,\"bytes_out\":%zu", r->body_in.len, bytes_out);
	if (*r->remote) {
		buf_adds(&b, ",\"remote\":");
		buf_add_json_str(&b, r->remote);
	}
	log_emit(r->status >= 500 ? LOG_ERROR : LOG_INFO, "request", b.ptr);
	buf_release(&b);
}

void http_observe(struct req *r)
{
	uint64_t took = mono_ns() - r->started_ns;
	size_t cls = class_of(r->status);
	const char *route = r->route >= 0 ? router_route_template((size_t)r->route) : "unmatched";

	r->observed = true;
	if (r->route >= 0 && (size_t)r->route < m.nroutes)
		hist_observe(&m.routed[(size_t)r->route * CLASSES + cls], took);
	else
		hist_observe(&m.unrouted[r->method < METHODS ? r->method : METHODS - 1][cls], took);
	if (r->route >= 0 && r->route == m.booking_route)
		atomic_fetch_add_explicit(&m.bookings[outcome_of(r->status)], 1,
					  memory_order_relaxed);
	if (r->route >= 0 && r->route == m.slots_route)
		atomic_fetch_add_explicit(&m.slot_queries, 1, memory_order_relaxed);
	if (log_enabled(r->status >= 500 ? LOG_ERROR : LOG_INFO))
		log_line(r, route, took, r->out.len);
}

void http_observe_unanswered(struct req *r, enum unanswered reason)
{
	struct buf b;

	r->observed = true;
	atomic_fetch_add_explicit(&m.unanswered[reason], 1, memory_order_relaxed);
	buf_init(&b, 1024);
	buf_addf(&b, "\"method\":\"%s\",\"reason\":\"%s\",\"duration_us\":%llu,\"request_id\":",
		 method_names[r->method < METHODS ? r->method : METHODS - 1], unanswered_names[reason],
		 (unsigned long long)((mono_ns() - r->started_ns) / 1000));
	buf_add_json_str(&b, r->request_id);
	buf_addf(&b, ",\"bytes_in\":%zu", r->body_in.len);
	if (*r->remote) {
		buf_adds(&b, ",\"remote\":");
		buf_add_json_str(&b, r->remote);
	}
	log_emit(LOG_INFO, "request not answered", b.ptr);
	buf_release(&b);
}

void http_count_limited(enum rl_scope s)
{
	if ((unsigned)s < RL__COUNT)
		atomic_fetch_add_explicit(&m.limited[s], 1, memory_order_relaxed);
}

static uint64_t load(atomic_uint_fast64_t *v)
{
	return atomic_load_explicit(v, memory_order_relaxed);
}

static void render_requests(struct buf *out)
{
	static const char *const name = "slotd_http_request_duration_seconds";
	char labels[160];
	size_t i, c;

	metric_head(out, name, "histogram",
		    "Time from a request's headers to its answer, by route template, method and"
		    " status class.");
	for (i = 0; i < m.nroutes; i++)
		for (c = 0; c < CLASSES; c++) {
			const struct hist *h = &m.routed[i * CLASSES + c];
			if (!hist_count(h))
				continue;
			snprintf(labels, sizeof(labels),
				 "route=\"%s\",method=\"%s\",code_class=\"%s\"",
				 router_route_template(i), method_names[router_route_method(i)],
				 class_names[c]);
			hist_render(out, name, labels, h);
		}
	for (i = 0; i < METHODS; i++)
		for (c = 0; c < CLASSES; c++) {
			if (!hist_count(&m.unrouted[i][c]))
				continue;
			snprintf(labels, sizeof(labels),
				 "route=\"unmatched\",method=\"%s\",code_class=\"%s\"",
				 method_names[i], class_names[c]);
			hist_render(out, name, labels, &m.unrouted[i][c]);
		}
}

static void render_store(struct buf *out)
{
	static const char *const kinds[STORE_TX__COUNT] = {"read", "snapshot", "write"};
	static const char *const name = "slotd_store_transaction_duration_seconds";
	char labels[32];
	size_t i;

	metric_head(out, name, "histogram",
		    "Store transactions from begin to commit or rollback, by kind.");
	for (i = 0; i < STORE_TX__COUNT; i++) {
		snprintf(labels, sizeof(labels), "kind=\"%s\"", kinds[i]);
		hist_render(out, name, labels, &store_metrics.tx[i]);
	}
	metric_single(out, "slotd_store_reruns_total", "counter",
		      "Write transactions run again after losing to a concurrent one.",
		      (long long)load(&store_metrics.reruns));
	metric_single(out, "slotd_store_conflicts_unresolved_total", "counter",
		      "Write transactions that still lost after the last rerun.",
		      (long long)load(&store_metrics.gave_up));
	metric_single(out, "slotd_store_failures_total", "counter",
		      "Transactions that could not begin or end (database busy or unreachable).",
		      (long long)load(&store_metrics.failed));
	metric_single(out, "slotd_store_commits_total", "counter",
		      "COMMITs of write transactions (SQLite: each is one sync of the log).",
		      (long long)load(&store_metrics.commits));
	metric_single(out, "slotd_store_writes_committed_total", "counter",
		      "Write transactions made durable by those COMMITs (more than the COMMITs"
		      " when SQLite commits them in batches).",
		      (long long)load(&store_metrics.committed));
	metric_single(out, "slotd_store_connections_in_use", "gauge",
		      "Database connections inside a transaction now.",
		      (long long)atomic_load_explicit(&store_metrics.in_use, memory_order_relaxed));
	metric_single(out, "slotd_avail_cache_hits_total", "counter",
		      "Provider availability answered from the availability cache.",
		      (long long)load(&avail_cache_metrics.hits));
	metric_single(out, "slotd_avail_cache_misses_total", "counter",
		      "Provider availability read from the database (absent or outdated in the cache).",
		      (long long)load(&avail_cache_metrics.misses));
	metric_single(out, "slotd_avail_cache_evictions_total", "counter",
		      "Availability cache entries dropped to stay within its byte budget.",
		      (long long)load(&avail_cache_metrics.evictions));
	metric_single(out, "slotd_avail_cache_entries", "gauge",
		      "Entries in the availability cache now.",
		      (long long)atomic_load_explicit(&avail_cache_metrics.entries,
						      memory_order_relaxed));
	metric_single(out, "slotd_avail_cache_bytes", "gauge",
		      "Bytes held by the availability cache's entries now.",
		      (long long)atomic_load_explicit(&avail_cache_metrics.bytes,
						      memory_order_relaxed));
}

static void render_notify(struct http_ctx *ctx, struct buf *out)
{
	struct notifier_stats st;
	int c, r;

	if (!ctx->notifier)
		return;
	notifier_stats(ctx->notifier, &st);
	metric_single(out, "slotd_notify_backlog", "gauge",
		      "Queued events not yet fanned out plus pending deliveries due now.",
		      (long long)st.backlog);
	metric_single(out, "slotd_notify_oldest_pending_seconds", "gauge",
		      "How long the earliest due pending delivery has waited.",
		      (long long)st.oldest_pending_seconds);
	metric_head(out, "slotd_delivery_attempts_total", "counter",
		    "Delivery attempts by channel and result (success; failure: an answer that is"
		    " not success; error: no answer).");
	for (c = 0; c < CHANNEL__COUNT; c++)
		for (r = 0; r < NOTIFY_RESULT__COUNT; r++)
			buf_addf(out,
				 "slotd_delivery_attempts_total{channel=\"%s\",result=\"%s\"} %llu\n",
				 delivery_channel_name((enum delivery_channel)c),
				 notify_result_name((enum notify_result)r),
				 (unsigned long long)st.attempts[c][r]);
}

static void render_calsync(struct http_ctx *ctx, struct buf *out)
{
	struct calsync_stats st;
	int r;

	if (!ctx->calsync)
		return;
	calsync_stats(ctx->calsync, &st);
	metric_head(out, "slotd_calendar_syncs_total", "counter",
		    "External calendar fetches by result (read: parsed and recorded; unchanged: 304"
		    " or the same ctag; failed: recorded as the calendar's last_error).");
	for (r = 0; r < CALSYNC_RESULT__COUNT; r++)
		buf_addf(out, "slotd_calendar_syncs_total{result=\"%s\"} %llu\n",
			 calsync_result_name((enum calsync_result)r), (unsigned long long)st.syncs[r]);
	metric_single(out, "slotd_calendar_syncs_in_progress", "gauge",
		      "External calendars being fetched or parsed now.", (long long)st.in_hand);
}

void http_metrics_render(struct http_ctx *ctx, struct buf *out)
{
	size_t i;

	metric_head(out, "slotd_build_info", "gauge", "The build: version and store backend.");
	buf_addf(out, "slotd_build_info{version=\"%s\",backend=\"%s\"} 1\n", SLOTD_VERSION,
		 uc_backend_name(&ctx->env));
	metric_single(out, "slotd_http_requests_in_flight", "gauge",
		      "Requests received and not yet answered.", atomic_load(&ctx->in_flight));
	render_requests(out);
	metric_head(out, "slotd_bookings_total", "counter",
		    "POST /v1/bookings answers by outcome.");
	for (i = 0; i < OUT__COUNT; i++)
		buf_addf(out, "slotd_bookings_total{outcome=\"%s\"} %llu\n", outcome_names[i],
			 (unsigned long long)load(&m.bookings[i]));
	metric_single(out, "slotd_slot_queries_total", "counter", "GET /v1/slots requests.",
		      (long long)load(&m.slot_queries));
	metric_head(out, "slotd_rate_limited_total", "counter",
		    "Requests refused with 429 by a rate limit, by the limit's scope.");
	for (i = 0; i < RL__COUNT; i++)
		buf_addf(out, "slotd_rate_limited_total{scope=\"%s\"} %llu\n",
			 rl_scope_name((enum rl_scope)i), (unsigned long long)load(&m.limited[i]));
	metric_head(out, "slotd_http_requests_unanswered_total", "counter",
		    "Requests that ended without an answer from slotd, by reason (timeout: the"
		    " request deadline's 408 or the idle timeout; error: malformed requests the HTTP"
		    " library answers itself).");
	for (i = 0; i < UNANSWERED__COUNT; i++)
		buf_addf(out, "slotd_http_requests_unanswered_total{reason=\"%s\"} %llu\n",
			 unanswered_names[i], (unsigned long long)load(&m.unanswered[i]));
	render_store(out);
	render_notify(ctx, out);
	render_calsync(ctx, out);
	process_metrics_render(out);
}

bool http_metrics_token_ok(const struct http_ctx *ctx, const char *authorization)
{
	const char *token = ctx->metrics_token;
	size_t n = token ? strlen(token) : 0;

	if (!n)
		return true;
	return authorization && !strncasecmp(authorization, "Bearer ", 7) &&
	       strlen(authorization + 7) == n && !sodium_memcmp(authorization + 7, token, n);
}

int h_metrics(struct req *r, struct err *e)
{
	if (!r->ctx->metrics_token || !*r->ctx->metrics_token)
		return err_set(e, ERR_NOT_FOUND, "no route for %s", r->path);
	if (!http_metrics_token_ok(r->ctx, req_header(r, "Authorization")))
		return err_set(e, ERR_UNAUTHORIZED, "GET /metrics needs the metrics token");
	buf_reset(&r->out);
	http_metrics_render(r->ctx, &r->out);
	r->status = 200;
	r->content_type = "text/plain; version=0.0.4; charset=utf-8";
	return 0;
}
