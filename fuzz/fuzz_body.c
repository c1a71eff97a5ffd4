/* JSON request bodies, read by each resource's handler as the router hands them over: the
 * first input byte picks the route (modulo the number of routes) and the caller (the
 * quotient: an admin, a staff key scoped to the provider or a customer key, when the route
 * admits it), the rest is the body. The body is parsed as the router parses it (duplicate
 * keys refused, an object required) and the real handler runs over a real SQLite store
 * holding one tenant, so a body that passes its reader goes on through the use case; a
 * failure is rendered as the problem document the client would get. "@P", "@S", "@B" and
 * "@E" in a body stand for the provider, service, booking and entry made at start-up (see
 * corpus/body/).
 *
 * Handlers read headers through libmicrohttpd; this file defines
 * MHD_lookup_connection_value over a fake connection (the executable's definition takes
 * precedence over the library's), so no server runs. */
#include "fuzz.h"

#include <microhttpd.h>
#include <strings.h>
#include <unistd.h>

#include "http/handlers.h"
#include "http/inflight.h"
#include "store/store.h"
#include "usecase/uc.h"
#include "util/ids.h"

/* The headers a handler may ask for: made up per input. */
struct MHD_Connection {
	char idempotency_key[32];
};

const char *MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					const char *key)
{
	if (c && kind == MHD_HEADER_KIND && !strcasecmp(key, "Idempotency-Key"))
		return c->idempotency_key;
	return NULL;
}

/* Path parameters name objects made at start-up. */
enum param { P_NONE, P_PROVIDER, P_SERVICE, P_ENTRY, P_BOOKING, P_TEMPLATE, P_SLUG };

/* Who may call a route, as the router's table says (admin keys always may). */
enum { STAFF = 1 << 1, CUSTOMER = 1 << 2 };

struct route {
	int (*handler)(struct req *r, struct err *e);
	enum param param;
	const char *param1;	/* a second path parameter (the booking action) */
	bool opt_body;		/* an empty body is allowed (ROUTE_OPT_BODY) */
	unsigned callers;	/* STAFF, CUSTOMER */
};

static const struct route routes[] = {
	{h_provider_create, P_NONE, NULL, false, 0},
	{h_provider_patch, P_PROVIDER, NULL, false, 0},
	{h_service_create, P_NONE, NULL, false, 0},
	{h_service_patch, P_SERVICE, NULL, false, 0},
	{h_schedule_put, P_PROVIDER, NULL, false, 0},
	{h_override_create, P_PROVIDER, NULL, false, 0},
	{h_holiday_create, P_NONE, NULL, false, 0},
	{h_time_off_create, P_PROVIDER, NULL, false, 0},
	{h_booking_create, P_NONE, NULL, false, STAFF | CUSTOMER},
	{h_booking_action, P_BOOKING, "reschedule", true, STAFF},
	{h_booking_action, P_BOOKING, "cancel", true, STAFF},
	{h_hold_create, P_NONE, NULL, false, STAFF | CUSTOMER},
	{h_waitlist_create, P_NONE, NULL, false, STAFF | CUSTOMER},
	{h_entry_create, P_NONE, NULL, false, STAFF},
	{h_entry_patch, P_ENTRY, NULL, false, STAFF},
	{h_key_create, P_NONE, NULL, false, 0},
	{h_policy_put, P_NONE, NULL, false, 0},
	{h_settings_put, P_NONE, NULL, false, 0},
	{h_template_put, P_TEMPLATE, "en", false, 0},
	{h_template_preview, P_TEMPLATE, "de", true, 0},
	/* The public booking page's writes: the caller becomes a visitor of the tenant. */
	{h_public_hold_create, P_SLUG, NULL, false, 0},
	{h_public_booking_create, P_SLUG, NULL, false, 0},
	{h_public_waitlist_create, P_SLUG, NULL, false, 0},
};
#define NROUTES (sizeof(routes) / sizeof(routes[0]))

/* 2026-06-01T00:00:00Z, a Monday: every request runs at this instant. */
#define FUZZ_NOW 1780272000LL

static struct http_ctx ctx;
/* The callers: an admin key, a staff key scoped to the provider, a customer key. */
enum { ROLE_N = 3 };
static struct auth callers[ROLE_N];
static char dir[64];
static char ids[7][ID_MAX] = {[P_TEMPLATE] = "booking.created", [P_SLUG] = "fuzz"};
							/* by enum param */
static unsigned long counter, runs;

/* Inputs per database: every valid body adds rows, and a database of many thousand rows
 * makes each input slower, so a fresh one is made this often. */
#define FRESH_DB_RUNS 5000

static void cleanup(void)
{
	char path[128];
	static const char *const files[] = {"slotd.db", "slotd.db-wal", "slotd.db-shm"};
	size_t i;

	store_close(ctx.env.store);
	for (i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Runs route as caller over body (text of length len): the status into *status and, when
 * member is not NULL and the request succeeded, that string member of the answer into out. */
static void run(const struct route *rt, const struct auth *caller, const char *body,
		size_t len, unsigned *status, const char *member, char *out, size_t out_size)
{
	struct MHD_Connection conn;
	json_error_t jerr;
	struct req r;
	struct err e;

	memset(&r, 0, sizeof(r));
	err_init(&e);
	r.arena = arena_new();
	r.ctx = &ctx;
	r.conn = &conn;
	r.method = HTTP_POST;
	r.path = "/fuzz";
	snprintf(r.remote_key, sizeof(r.remote_key), "192.0.2.%lu", counter % 7);
	r.now = FUZZ_NOW;
	r.auth = *caller;
	buf_init(&r.out, 0);
	snprintf(conn.idempotency_key, sizeof(conn.idempotency_key), "fuzz-%lu", counter++);
	snprintf(r.request_id, sizeof(r.request_id), "fuzz");
	if (rt->param != P_NONE)
		r.params[0] = ids[rt->param];
	r.params[1] = rt->param1;
	uc_ctx_init(&r.uc, &ctx.env, &r.auth, r.now, r.request_id, r.arena);

	*status = 0;
	if (len == 0 && rt->opt_body) {
		r.json = NULL;
	} else {
		r.json = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
		if (!r.json || !json_is_object(r.json))
			goto out;
	}
	if (rt->handler(&r, &e)) {
		json_t *p;
		fuzz_check(e.code != ERR_OK, "a failing handler sets an error");
		reply_problem(&r, &e);
		p = json_loadb(r.out.ptr, r.out.len, 0, NULL);
		fuzz_check(json_is_object(p), "a problem document is rendered");
		fuzz_check(json_array_size(json_object_get(p, "errors")) == e.nfields,
			   "a problem document lists every field error");
		json_decref(p);
	}
	*status = r.status;
	fuzz_check(r.status >= 200 && r.status < 600, "an HTTP status");
	fuzz_check(!r.out.failed, "the response fits");
	if (member && r.status < 300) {
		json_t *o = json_loadb(r.out.ptr, r.out.len, 0, NULL);
		const char *v = json_string_value(json_object_get(o, member));
		snprintf(out, out_size, "%s", v ? v : "");
		json_decref(o);
	}
out:
	json_decref(r.json);
	buf_release(&r.out);
	arena_free(r.arena);
}

/* Makes an object through its route as the admin, its member (e.g. "id") into out; exits
 * when start-up cannot. */
static void make(const struct route *rt, const char *body, const char *member, char *out,
		 size_t out_size)
{
	unsigned status;

	run(rt, &callers[0], body, strlen(body), &status, member, out, out_size);
	if (status >= 300) {
		fprintf(stderr, "fuzz_body: start-up request failed (%u): %s\n", status, body);
		exit(1);
	}
}

static void authenticate(const char *secret, struct auth *out)
{
	char hash[TOKEN_HASH_MAX];
	struct err e;

	err_init(&e);
	token_hash(hash, secret, strlen(secret));
	if (uc_authenticate(&ctx.env, secret, hash, FUZZ_NOW, out, &e)) {
		fprintf(stderr, "fuzz_body: %s\n", e.message);
		exit(1);
	}
}

/* A new database with the tenant, its keys and the objects seeds name. */
static void setup(void)
{
	char url[128], secret[TOKEN_MAX], body[512];
	struct err e;

	err_init(&e);
	snprintf(dir, sizeof(dir), "/tmp/slotd-fuzz-XXXXXX");
	if (!mkdtemp(dir))
		exit(1);
	snprintf(url, sizeof(url), "sqlite:%s/slotd.db", dir);
	if (store_open(url, &ctx.env.store, &e)) {
		fprintf(stderr, "fuzz_body: %s\n", e.message);
		exit(1);
	}
	if (uc_tenant_create(&ctx.env, "fuzz", "Fuzz", FUZZ_NOW, secret, &e)) {
		fprintf(stderr, "fuzz_body: %s\n", e.message);
		exit(1);
	}
	authenticate(secret, &callers[0]);
	make(&routes[0], "{\"name\": \"Ada\", \"timezone\": \"Europe/Berlin\"}", "id",
	     ids[P_PROVIDER], ID_MAX);
	make(&routes[4],
	     "{\"weekly\": {\"mon\": [{\"start\": \"09:00\", \"end\": \"17:00\"}],"
	     " \"tue\": [{\"start\": \"09:00\", \"end\": \"17:00\"}]}}",
	     NULL, NULL, 0);
	snprintf(body, sizeof(body),
		 "{\"name\": \"Cut\", \"duration_minutes\": 30, \"provider_ids\": [\"%s\"],"
		 " \"public\": true}",
		 ids[P_PROVIDER]);
	make(&routes[2], body, "id", ids[P_SERVICE], ID_MAX);
	snprintf(body, sizeof(body),
		 "{\"service_id\": \"%s\", \"provider_id\": \"%s\","
		 " \"start\": \"2026-06-02T10:00:00+02:00\","
		 " \"customer\": {\"name\": \"Bo\", \"email\": \"bo@example.com\"}}",
		 ids[P_SERVICE], ids[P_PROVIDER]);
	make(&routes[8], body, "id", ids[P_BOOKING], ID_MAX);
	snprintf(body, sizeof(body),
		 "{\"title\": \"Visit\", \"start\": \"2026-06-03T10:00:00+02:00\","
		 " \"end\": \"2026-06-03T11:00:00+02:00\", \"timezone\": \"Europe/Berlin\","
		 " \"assignee_ids\": [\"%s\"], \"rrule\": \"FREQ=WEEKLY;COUNT=10\"}",
		 ids[P_PROVIDER]);
	make(&routes[13], body, "id", ids[P_ENTRY], ID_MAX);
	snprintf(body, sizeof(body),
		 "{\"name\": \"desk\", \"role\": \"staff\", \"provider_ids\": [\"%s\"]}",
		 ids[P_PROVIDER]);
	make(&routes[15], body, "secret", secret, sizeof(secret));
	authenticate(secret, &callers[1]);
	make(&routes[15], "{\"name\": \"widget\", \"role\": \"customer\"}", "secret", secret,
	     sizeof(secret));
	authenticate(secret, &callers[2]);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	if (ids_init())
		exit(1);
	ctx.env.tz = tz_db_new();
	ctx.env.clock = uc_clock;
	ctx.inflight = inflight_new();
	setup();
	atexit(cleanup);
	return 0;
}

/* The body with each "@P", "@S", "@B" and "@E" replaced by the id of the provider, service,
 * booking or entry made at start-up, so seeds can name objects that exist; *len is set. */
static char *expand(const uint8_t *data, size_t size, size_t *len)
{
	char *out = malloc(size * (ID_MAX / 2) + 1);
	size_t i, n = 0;

	if (!out)
		abort();
	for (i = 0; i < size; i++) {
		const char *id = NULL;
		if (data[i] == '@' && i + 1 < size) {
			const char *const names = "PSEB"; /* in enum param order */
			const char *at = strchr(names, data[i + 1]);
			if (data[i + 1] && at)
				id = ids[P_PROVIDER + (at - names)];
		}
		if (id) {
			memcpy(out + n, id, strlen(id));
			n += strlen(id);
			i++;
		} else {
			out[n++] = (char)data[i];
		}
	}
	out[n] = '\0';
	*len = n;
	return out;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *rt;
	unsigned status, caller;
	size_t len;
	char *body;

	if (size < 1 || size - 1 > REQ_BODY_LIMIT)
		return 0;
	if (++runs % FRESH_DB_RUNS == 0) {
		cleanup();
		setup();
	}
	body = expand(data + 1, size - 1, &len);
	rt = &routes[data[0] % NROUTES];
	caller = data[0] / NROUTES % ROLE_N;
	if (!(rt->callers & (1u << caller)))
		caller = 0;	/* the router would refuse the others before the handler */
	run(rt, &callers[caller], body, len, &status, NULL, NULL, 0);
	free(body);
	return 0;
}
