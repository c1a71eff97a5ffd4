/* slotd: the command line. serve, tenant create, demo. */
#include <arpa/inet.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <malloc.h>
#include <netdb.h>
#include <netinet/in.h>
#include <signal.h>
#include <stddef.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "app/app.h"
#include "app/transfer.h"
#include "core/civil.h"
#include "core/mime.h"
#include "http/auth_cache.h"
#include "http/h_common.h"
#include "http/inflight.h"
#include "http/ratelimit.h"
#include "http/server.h"
#include "notify/calsync.h"
#include "notify/worker.h"
#include "util/ids.h"
#include "util/log.h"
#include "util/metrics.h"
#include "util/secretbox.h"
#include "wire/wire_feeds.h"

#define DRAIN_TIMEOUT_MS 20000

struct options {
	const char *db;
	const char *listen;
	const char *name;
	const char *role;
	const char *from, *to, *tenant;
	const char *threads_text, *retention_text;	/* as given; parsed into the fields below */
	const char *budget_text;
	int64_t budget_ms;				/* --request-budget-ms; 0 = the default */
	const char *metrics_listen, *metrics_token_file, *log_file, *log_level;
	const char *rate_limits;			/* "on" (default) or "off" */
	const char *limit_text[RL__COUNT];		/* --rate-limit-* as given */
	bool trust_forwarded;
	unsigned threads;
	int64_t retention_days;		/* events kept this many days; 0 = forever */
	bool demo;
	struct http_limits http;	/* --max-connections and the other HTTP limits */
	const char *http_text;		/* the last of them as given */
	const char *tls_cert, *tls_key;
	const char *smtp_url, *mail_from, *public_url;	/* notifications (src/notify) */
	const char *notify;				/* "on" (default) or "off" */
	const char *group_commit;			/* SQLite: "on" (default) or "off" */
	bool allow_private_webhooks;
	const char *secret_key_file;			/* --secret-key-file */
	const char *attach_text;	/* --attachment-max-bytes / --attachment-booking-max-bytes */
	int64_t attach_max, attach_booking_max;	/* bytes; 0 = the defaults */
	const char *session_idle_text;			/* --session-idle as given */
	int64_t session_idle;				/* seconds; 0 = the default */
	const char *provider;				/* user create --provider */
	const char *avail_cache_text;			/* --avail-cache-mb as given */
	long avail_cache_mb;				/* -1: the default */
};

static void usage(FILE *f)
{
	fputs("usage: slotd serve [--db URL] [--listen HOST:PORT] [--threads N] [--demo]\n"
	      "                   [--event-retention-days N]\n"
	      "                   [--tls-cert FILE --tls-key FILE] [--max-connections N]\n"
	      "                   [--max-connections-per-ip N] [--idle-timeout SECONDS]\n"
	      "                   [--request-timeout SECONDS] [--max-header-bytes N]\n"
	      "                   [--max-url-bytes N] [--request-budget-ms N]\n"
	      "                   [--log-file FILE] [--log-level debug|info|warn|error]\n"
	      "                   [--metrics-listen HOST:PORT] [--metrics-token-file FILE]\n"
	      "                   [--rate-limits on|off] [--rate-limit-key Q/W]\n"
	      "                   [--rate-limit-token Q/W] [--rate-limit-address Q/W]\n"
	      "                   [--rate-limit-auth-failures Q/W] [--trust-forwarded-for]\n"
	      "                   [--smtp URL] [--mail-from ADDRESS] [--public-url URL]\n"
	      "                   [--allow-private-webhooks] [--notify on|off]\n"
	      "                   [--secret-key-file FILE]\n"
	      "                   [--attachment-max-bytes N] [--attachment-booking-max-bytes N]\n"
	      "                   [--session-idle SECONDS] [--group-commit on|off]\n"
	      "                   [--avail-cache-mb N]\n"
	      "       slotd tenant create SLUG [--name NAME] [--db URL]\n"
	      "       slotd key create SLUG --role admin|staff|customer [--name NAME] [--db URL]\n"
	      "       slotd user create SLUG EMAIL --role admin|staff [--provider ID] [--name NAME]\n"
	      "                         [--db URL]   (password: stdin's first line, else made)\n"
	      "       slotd demo [--db URL]\n"
	      "       slotd copy --from URL --to URL [--tenant SLUG]\n"
	      "       slotd export --tenant SLUG [--db URL] > tenant.json\n"
	      "       slotd import [--db URL] < tenant.json\n"
	      "\n"
	      "URL: sqlite:PATH or postgres://USER@HOST:PORT/DBNAME (any libpq URL)\n"
	      "\n"
	      "environment: SLOTD_DB (default " DEFAULT_DB "), SLOTD_LISTEN (default " DEFAULT_LISTEN
	      "),\n"
	      "             SLOTD_EVENT_RETENTION_DAYS (default: keep events forever),\n"
	      "             SLOTD_LOG_LEVEL, SLOTD_METRICS_LISTEN, SLOTD_METRICS_TOKEN,\n"
	      "             SLOTD_RATE_LIMITS (on|off), SLOTD_SMTP_URL, SLOTD_MAIL_FROM,\n"
	      "             SLOTD_PUBLIC_URL, SLOTD_WEBHOOK_ALLOW_PRIVATE (1), SLOTD_NOTIFY (on|off),\n"
	      "             SLOTD_SECRET_KEY_FILE, SLOTD_ATTACHMENT_MAX_BYTES,\n"
	      "             SLOTD_ATTACHMENT_BOOKING_MAX_BYTES, SLOTD_SESSION_IDLE,\n"
	      "             SLOTD_GROUP_COMMIT (on|off), SLOTD_AVAIL_CACHE_MB (0: off)\n"
	      "\n"
	      "--secret-key-file FILE: the key (64 hex digits) that seals calendar passwords and\n"
	      "secret calendar addresses in the database. Without it, an SQLite database gets\n"
	      "PATH.key next to it (made on first start, mode 0600); on PostgreSQL external\n"
	      "calendars cannot be added until a key is given. Keep the key with the backups.\n"
	      "\n"
	      "export writes one tenant as a JSON document (format slotd-tenant, version 1) to\n"
	      "standard output; import reads one from standard input and creates the tenant, in\n"
	      "one transaction, refusing a slug or tenant id the database already has. Secrets\n"
	      "travel only as hashes: after an import, rotate each webhook endpoint's secret and\n"
	      "enable it, and enter each external calendar's credentials again\n"
	      "(docs/operations.md, \"Export and import\").\n",
	      f);
}

static int fail(const char *fmt, const char *arg)
{
	fprintf(stderr, "slotd: ");
	fprintf(stderr, fmt, arg);
	fputc('\n', stderr);
	return 2;
}

/* A number of days, 0..36500. */
static int parse_days(const char *s, int64_t *out)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (!*s || *end || v < 0 || v > 36500)
		return -1;
	*out = v;
	return 0;
}

/* Flags that take a value: the text is stored in the field at off; check (optional) turns it
 * into a number or refuses it (returns non-zero after printing a message). */
struct flag {
	const char *name;
	size_t off;
	int (*check)(const char *flag, const char *value, struct options *o);
};

static int check_threads(const char *flag, const char *v, struct options *o)
{
	char *end;
	long t = strtol(v, &end, 10);

	if (!*v || *end || t < 1 || t > 64)
		return fail("--threads must be a number from 1 to 64, got %s", v);
	o->threads = (unsigned)t;
	return 0;
}

static int check_budget(const char *flag, const char *v, struct options *o)
{
	char *end;
	long t = strtol(v, &end, 10);

	if (!*v || *end || t < 10 || t > 600000)
		return fail("--request-budget-ms must be a number of milliseconds from 10 to 600000,"
			    " got %s",
			    v);
	o->budget_ms = t;
	return 0;
}

static int check_retention(const char *flag, const char *v, struct options *o)
{
	if (parse_days(v, &o->retention_days))
		return fail("--event-retention-days must be a number of days from 0 to 36500,"
			    " got %s",
			    v);
	return 0;
}

/* The HTTP limits that take a number: flag, field of struct http_limits, range. */
static const struct {
	const char *flag;
	size_t off;
	unsigned min, max;
} http_limit_flags[] = {
	{"--max-connections", offsetof(struct http_limits, max_connections), 1, 1000000},
	{"--max-connections-per-ip", offsetof(struct http_limits, max_connections_per_ip), 0,
	 1000000},
	{"--idle-timeout", offsetof(struct http_limits, idle_timeout_s), 1, 3600},
	{"--request-timeout", offsetof(struct http_limits, request_timeout_s), 1, 3600},
	{"--max-header-bytes", offsetof(struct http_limits, max_header_bytes), 1024, 1 << 20},
	{"--max-url-bytes", offsetof(struct http_limits, max_url_bytes), 256, 1 << 20},
};

static int check_http_limit(const char *flag, const char *v, struct options *o)
{
	size_t i;
	char *end;
	unsigned long n = strtoul(v, &end, 10);

	for (i = 0; strcmp(http_limit_flags[i].flag, flag); i++)
		;
	if (!*v || *end || *v == '-' || n < http_limit_flags[i].min ||
	    n > http_limit_flags[i].max) {
		fprintf(stderr, "slotd: %s must be a number from %u to %u, got %s\n", flag,
			http_limit_flags[i].min, http_limit_flags[i].max, v);
		return 2;
	}
	*(unsigned *)((char *)&o->http + http_limit_flags[i].off) = (unsigned)n;
	return 0;
}

static int check_log_level(const char *flag, const char *v, struct options *o)
{
	enum log_level l;

	if (log_level_parse(v, &l))
		return fail("--log-level must be debug, info, warn or error, got %s", v);
	return 0;
}

static int check_on_off(const char *flag, const char *v, struct options *o)
{
	if (strcmp(v, "on") && strcmp(v, "off"))
		return fail("--rate-limits must be on or off, got %s", v);
	return 0;
}

static int check_notify(const char *flag, const char *v, struct options *o)
{
	if (strcmp(v, "on") && strcmp(v, "off"))
		return fail("--notify must be on or off, got %s", v);
	return 0;
}

static int check_group_commit(const char *flag, const char *v, struct options *o)
{
	if (strcmp(v, "on") && strcmp(v, "off"))
		return fail("--group-commit must be on or off, got %s", v);
	return 0;
}

static int check_limit(const char *flag, const char *v, struct options *o)
{
	struct rl_policy p;

	if (rl_policy_parse(v, &p)) {
		fprintf(stderr, "slotd: %s must be QUOTA/WINDOW_SECONDS (e.g. 600/60; 0/1 for no"
			" limit), got %s\n", flag, v);
		return 2;
	}
	return 0;
}

/* A size in bytes, 1 to 1 TiB, optionally with a K, M or G suffix (binary units). */
static int check_bytes(const char *flag, const char *v, struct options *o)
{
	char *end;
	long long n = strtoll(v, &end, 10);
	int shift = !strcmp(end, "K") ? 10 : !strcmp(end, "M") ? 20 : !strcmp(end, "G") ? 30 : 0;

	if (*v < '0' || *v > '9' || (*end && !shift) || n < 1 ||
	    n > (1ll << 40) >> shift)
		return fail("%s must be a number of bytes (optionally with K, M or G), 1 to 1 TiB",
			    flag);
	if (strstr(flag, "BOOKING") || strstr(flag, "booking"))
		o->attach_booking_max = (int64_t)n << shift;
	else
		o->attach_max = (int64_t)n << shift;
	return 0;
}

/* A console session's idle timeout: 60 s to 30 days. */
static int check_session_idle(const char *flag, const char *v, struct options *o)
{
	char *end;
	long long t = strtoll(v, &end, 10);

	if (!*v || *end || t < 60 || t > 30LL * 86400)
		return fail("--session-idle must be a number of seconds from 60 to 2592000, got %s",
			    v);
	o->session_idle = t;
	return 0;
}

/* The availability cache's budget: 0 (off) to 4096 MB. */
static int check_avail_cache(const char *flag, const char *v, struct options *o)
{
	char *end;
	long n = strtol(v, &end, 10);

	(void)flag;
	if (!*v || *end || n < 0 || n > 4096)
		return fail("--avail-cache-mb must be a number of megabytes from 0 (off) to 4096,"
			    " got %s", v);
	o->avail_cache_mb = n;
	return 0;
}

#define OPT(field) offsetof(struct options, field)
static const struct flag flags[] = {
	{"--db", OPT(db), NULL},
	{"--listen", OPT(listen), NULL},
	{"--name", OPT(name), NULL},
	{"--role", OPT(role), NULL},
	{"--from", OPT(from), NULL},
	{"--to", OPT(to), NULL},
	{"--tenant", OPT(tenant), NULL},
	{"--threads", OPT(threads_text), check_threads},
	{"--event-retention-days", OPT(retention_text), check_retention},
	{"--request-budget-ms", OPT(budget_text), check_budget},
	{"--tls-cert", OPT(tls_cert), NULL},
	{"--tls-key", OPT(tls_key), NULL},
	{"--max-connections", OPT(http_text), check_http_limit},
	{"--max-connections-per-ip", OPT(http_text), check_http_limit},
	{"--idle-timeout", OPT(http_text), check_http_limit},
	{"--request-timeout", OPT(http_text), check_http_limit},
	{"--max-header-bytes", OPT(http_text), check_http_limit},
	{"--max-url-bytes", OPT(http_text), check_http_limit},
	{"--metrics-listen", OPT(metrics_listen), NULL},
	{"--metrics-token-file", OPT(metrics_token_file), NULL},
	{"--log-file", OPT(log_file), NULL},
	{"--log-level", OPT(log_level), check_log_level},
	{"--rate-limits", OPT(rate_limits), check_on_off},
	{"--rate-limit-key", OPT(limit_text[RL_KEY]), check_limit},
	{"--rate-limit-token", OPT(limit_text[RL_TOKEN]), check_limit},
	{"--rate-limit-address", OPT(limit_text[RL_ADDRESS]), check_limit},
	{"--rate-limit-auth-failures", OPT(limit_text[RL_AUTH_FAILURE]), check_limit},
	{"--smtp", OPT(smtp_url), NULL},
	{"--mail-from", OPT(mail_from), NULL},
	{"--public-url", OPT(public_url), NULL},
	{"--notify", OPT(notify), check_notify},
	{"--group-commit", OPT(group_commit), check_group_commit},
	{"--secret-key-file", OPT(secret_key_file), NULL},
	{"--attachment-max-bytes", OPT(attach_text), check_bytes},
	{"--attachment-booking-max-bytes", OPT(attach_text), check_bytes},
	{"--session-idle", OPT(session_idle_text), check_session_idle},
	{"--avail-cache-mb", OPT(avail_cache_text), check_avail_cache},
	{"--provider", OPT(provider), NULL},
};
#undef OPT

/* Parses flags after the command words; returns 0, or 2 after printing a message. */
static int parse_flags(int argc, char **argv, int first, struct options *o)
{
	const char *env;
	size_t f;
	int i;

	env = getenv("SLOTD_DB");
	o->db = env && *env ? env : DEFAULT_DB;
	env = getenv("SLOTD_LISTEN");
	o->listen = env && *env ? env : DEFAULT_LISTEN;
	o->threads = 0;
	http_limits_default(&o->http);
	o->metrics_listen = getenv("SLOTD_METRICS_LISTEN");
	o->log_level = getenv("SLOTD_LOG_LEVEL");
	if (o->log_level && *o->log_level && check_log_level("SLOTD_LOG_LEVEL", o->log_level, o))
		return 2;
	o->rate_limits = getenv("SLOTD_RATE_LIMITS");
	if (o->rate_limits && *o->rate_limits && check_on_off("", o->rate_limits, o))
		return 2;
	o->smtp_url = getenv("SLOTD_SMTP_URL");
	o->mail_from = getenv("SLOTD_MAIL_FROM");
	o->public_url = getenv("SLOTD_PUBLIC_URL");
	env = getenv("SLOTD_WEBHOOK_ALLOW_PRIVATE");
	o->allow_private_webhooks = env && !strcmp(env, "1");
	o->secret_key_file = getenv("SLOTD_SECRET_KEY_FILE");
	if (o->secret_key_file && !*o->secret_key_file)
		o->secret_key_file = NULL;
	o->notify = getenv("SLOTD_NOTIFY");
	if (o->notify && *o->notify && check_notify("", o->notify, o))
		return 2;
	/* The store reads it too (store_open_sqlite); a value it would not understand is
	 * refused here instead of leaving group commit on. */
	o->group_commit = getenv("SLOTD_GROUP_COMMIT");
	if (o->group_commit && *o->group_commit &&
	    check_group_commit("SLOTD_GROUP_COMMIT", o->group_commit, o))
		return 2;
	env = getenv("SLOTD_ATTACHMENT_MAX_BYTES");
	if (env && *env && check_bytes("SLOTD_ATTACHMENT_MAX_BYTES", env, o))
		return 2;
	env = getenv("SLOTD_ATTACHMENT_BOOKING_MAX_BYTES");
	if (env && *env && check_bytes("SLOTD_ATTACHMENT_BOOKING_MAX_BYTES", env, o))
		return 2;
	env = getenv("SLOTD_SESSION_IDLE");
	if (env && *env && check_session_idle("SLOTD_SESSION_IDLE", env, o))
		return 2;
	o->avail_cache_mb = -1;
	env = getenv("SLOTD_AVAIL_CACHE_MB");
	if (env && *env && check_avail_cache("SLOTD_AVAIL_CACHE_MB", env, o))
		return 2;
	env = getenv("SLOTD_EVENT_RETENTION_DAYS");
	if (env && *env && parse_days(env, &o->retention_days))
		return fail("SLOTD_EVENT_RETENTION_DAYS must be a number of days from 0 to 36500,"
			    " got %s", env);
	for (i = first; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--demo")) {
			o->demo = true;
			continue;
		}
		if (!strcmp(a, "--trust-forwarded-for")) {
			o->trust_forwarded = true;
			continue;
		}
		if (!strcmp(a, "--allow-private-webhooks")) {
			o->allow_private_webhooks = true;
			continue;
		}
		for (f = 0; f < sizeof(flags) / sizeof(flags[0]); f++)
			if (!strcmp(a, flags[f].name))
				break;
		if (f == sizeof(flags) / sizeof(flags[0])) {
			fprintf(stderr, "slotd: unknown option %s\n", a);
			usage(stderr);
			return 2;
		}
		if (i + 1 >= argc)
			return fail("%s needs a value", a);
		*(const char **)((char *)o + flags[f].off) = argv[++i];
		if (flags[f].check && flags[f].check(a, argv[i], o))
			return 2;
	}
	return 0;
}

/* The database URL for messages: a password in it (user:password@ or password=) is masked. */
static const char *url_shown(const char *url, char *out, size_t size)
{
	const char *scheme = strstr(url, "://"), *at, *colon, *pw;
	size_t n;

	snprintf(out, size, "%s", url);
	if (scheme && (at = strchr(scheme + 3, '@')) != NULL &&
	    (colon = memchr(scheme + 3, ':', (size_t)(at - scheme - 3))) != NULL) {
		n = (size_t)(colon - url) + 1;
		if (n < size)
			snprintf(out + n, size - n, "***%s", at);
	}
	if ((pw = strstr(out, "password=")) != NULL) {
		char rest[256];
		const char *end = strchr(pw, '&');
		snprintf(rest, sizeof(rest), "%s", end ? end : "");
		n = (size_t)(pw - out) + 9;
		if (n < size)
			snprintf(out + n, size - n, "***%s", rest);
	}
	return out;
}

static int open_store(const char *url, struct store **st)
{
	char shown[512];
	struct err e;

	err_init(&e);
	if (store_open(url, st, &e)) {
		fprintf(stderr, "slotd: cannot use database %s: %s\n",
			url_shown(url, shown, sizeof(shown)), e.message);
		return 1;
	}
	return 0;
}

/* Opens a listening TCP socket on "HOST:PORT" (port 0 picks a free one). */
static int listen_on(const char *spec, char *bound, size_t bound_size)
{
	char host[256];
	const char *colon = strrchr(spec, ':');
	struct addrinfo hints, *res = NULL;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char h[INET6_ADDRSTRLEN];
	int fd, one = 1, rc;
	size_t hl;

	if (!colon || colon == spec || !colon[1])
		return fail("--listen must be HOST:PORT, got %s", spec), -1;
	{
		char *end;
		long port = strtol(colon + 1, &end, 10);
		if (*end || port < 0 || port > 65535)
			return fail("--listen port must be a number from 0 to 65535, got %s", spec),
			       -1;
	}
	hl = (size_t)(colon - spec);
	if (hl >= sizeof(host))
		return fail("--listen host is too long: %s", spec), -1;
	memcpy(host, spec, hl);
	host[hl] = '\0';
	if (host[0] == '[' && hl > 2 && host[hl - 1] == ']') {
		memmove(host, host + 1, hl - 2);
		host[hl - 2] = '\0';
	}
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	rc = getaddrinfo(host, colon + 1, &hints, &res);
	if (rc) {
		fprintf(stderr, "slotd: cannot listen on %s: %s\n", spec, gai_strerror(rc));
		return -1;
	}
	fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
	    bind(fd, res->ai_addr, res->ai_addrlen) || listen(fd, 1024)) {
		fprintf(stderr, "slotd: cannot listen on %s: %s\n", spec, strerror(errno));
		if (fd >= 0)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	getsockname(fd, (struct sockaddr *)&ss, &sl);
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
		inet_ntop(AF_INET6, &a->sin6_addr, h, sizeof(h));
		snprintf(bound, bound_size, "[%s]:%u", h, ntohs(a->sin6_port));
	} else {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;
		inet_ntop(AF_INET, &a->sin_addr, h, sizeof(h));
		snprintf(bound, bound_size, "%s:%u", h, ntohs(a->sin_port));
	}
	return fd;
}

/* Default rate limits (QUOTA/WINDOW), chosen in docs/operations.md. */
static const char *const default_limits[RL__COUNT] = {
	[RL_KEY] = "300/5", [RL_TOKEN] = "60/60", [RL_ADDRESS] = "120/60",
	[RL_AUTH_FAILURE] = "10/60"};

/* The rate limits, or NULL when they are off. */
static struct ratelimit *limits_of(const struct options *o)
{
	struct rl_policy p[RL__COUNT];
	size_t i;

	if (o->rate_limits && !strcmp(o->rate_limits, "off"))
		return NULL;
	for (i = 0; i < RL__COUNT; i++)
		rl_policy_parse(o->limit_text[i] ? o->limit_text[i] : default_limits[i], &p[i]);
	return ratelimit_new(p);
}

/* The metrics token: SLOTD_METRICS_TOKEN, or the first line of --metrics-token-file.
 * Returns 0 (token "" when none is configured) or -1 after printing a message. */
static int metrics_token(const struct options *o, char *out, size_t size)
{
	const char *env = getenv("SLOTD_METRICS_TOKEN");
	FILE *f;

	*out = '\0';
	if (env && *env)
		snprintf(out, size, "%s", env);
	if (o->metrics_token_file) {
		f = fopen(o->metrics_token_file, "r");
		if (!f || !fgets(out, (int)size, f)) {
			fprintf(stderr, "slotd: cannot read --metrics-token-file %s\n",
				o->metrics_token_file);
			if (f)
				fclose(f);
			return -1;
		}
		fclose(f);
		out[strcspn(out, "\r\n")] = '\0';
		if (!*out) {
			fprintf(stderr, "slotd: --metrics-token-file %s starts with an empty line\n",
				o->metrics_token_file);
			return -1;
		}
	}
	if (*out && strlen(out) < 16) {
		fprintf(stderr, "slotd: the metrics token must have at least 16 characters\n");
		return -1;
	}
	return 0;
}

/* --log-file: standard error (every log line) goes to FILE, appended. */
static int log_to(const char *path)
{
	int fd;

	if (!path)
		return 0;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
	if (fd < 0 || dup2(fd, STDERR_FILENO) < 0) {
		fprintf(stderr, "slotd: cannot write the log file %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* SIGABRT (an abort() anywhere, ours or a library's): the stack on stderr before the
 * default action, so an abort that printed nothing still says where it came from. Only
 * async-signal-safe calls; backtrace() was called once at start so it does not load
 * libgcc here. */
static void on_abort(int sig)
{
	static const char head[] = "slotd: aborted (SIGABRT); stack:\n";
	void *frames[64];
	int n = backtrace(frames, 64);
	ssize_t w = write(STDERR_FILENO, head, sizeof(head) - 1);

	(void)w;
	backtrace_symbols_fd(frames, n, STDERR_FILENO);
	signal(sig, SIG_DFL);
	raise(sig);
}

static void abort_trace_install(void)
{
	struct sigaction sa;
	void *warm[1];

	backtrace(warm, 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_abort;
	sa.sa_flags = SA_RESETHAND;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGABRT, &sa, NULL);
}

/* The key secrets are sealed with (util/secretbox.h): --secret-key-file, else PATH.key next
 * to an SQLite database (made on first start); on PostgreSQL without a key there is none
 * and calendars that need one are refused. Returns 0, or -1 after printing a message. */
static int secret_key_load(const struct options *o, struct uc_config *cfg)
{
	char path[4096];
	bool create = false;
	struct err e;

	err_init(&e);
	if (o->secret_key_file) {
		snprintf(path, sizeof(path), "%s", o->secret_key_file);
	} else if (!strncmp(o->db, "sqlite:", 7)) {
		if ((size_t)snprintf(path, sizeof(path), "%s.key", o->db + 7) >= sizeof(path)) {
			fprintf(stderr, "slotd: the database path is too long for its key file\n");
			return -1;
		}
		create = true;
	} else {
		log_msg(LOG_INFO, "no --secret-key-file: external calendars cannot be added");
		return 0;
	}
	if (secretbox_key_load(path, create, cfg->secret_key, &e)) {
		fprintf(stderr, "slotd: %s\n", e.message);
		return -1;
	}
	cfg->has_secret_key = true;
	return 0;
}

static int cmd_serve(struct options *o)
{
	struct http_ctx ctx;
	struct notifier *notifier = NULL;
	struct calsync *calsync = NULL;
	struct server *srv;
	struct store *st;
	sigset_t sigs;
	char bound[300], shown[512];
	struct err e;
	int fd, sig;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	char token[256], public_url[1024];
	enum log_level level = LOG_INFO;
	struct demo_users demo_users;

	memset(&ctx, 0, sizeof(ctx));
	memset(&demo_users, 0, sizeof(demo_users));
	err_init(&e);
	if (log_to(o->log_file) || metrics_token(o, token, sizeof(token)))
		return 1;
	log_buffered();
	if (o->log_level && *o->log_level)
		log_level_parse(o->log_level, &level);
	log_set_level(level);
	process_metrics_start();
	ctx.metrics_token = token;
	ctx.trust_forwarded = o->trust_forwarded;
	/* Signals are taken synchronously by this thread; the server threads inherit the mask. */
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGINT);
	pthread_sigmask(SIG_BLOCK, &sigs, NULL);
	signal(SIGPIPE, SIG_IGN);
	abort_trace_install();

	/* Requests allocate and free tens of kilobytes each; keep freed memory in the process
	 * instead of returning it to the kernel and faulting it back in on the next request. */
	mallopt(M_TRIM_THRESHOLD, 64 << 20);
	mallopt(M_MMAP_THRESHOLD, 4 << 20);
	if (open_store(o->db, &st))
		return 1;
	if (o->avail_cache_mb >= 0)
		store_avail_cache_mb(st, (size_t)o->avail_cache_mb);
	if (o->group_commit)
		store_group_commit(st, strcmp(o->group_commit, "off") != 0);
	ctx.env.store = st;
	ctx.env.tz = tz_db_new();
	ctx.env.clock = uc_clock;
	ctx.env.config.event_retention_seconds = o->retention_days * 86400;
	ctx.env.config.request_timeout_ms = o->budget_ms;
	ctx.env.config.allow_private_webhooks = o->allow_private_webhooks;
	ctx.env.config.attachment_max_bytes = o->attach_max;
	ctx.env.config.attachment_booking_max_bytes = o->attach_booking_max;
	ctx.env.config.session_idle_seconds = o->session_idle;
	if (secret_key_load(o, &ctx.env.config))
		goto fail;
	if (o->public_url) {
		/* Links are the base + "/path": a base given with a final slash would make "//"
		 * paths, which no route matches. */
		size_t n = strlen(o->public_url);
		while (n && o->public_url[n - 1] == '/')
			n--;
		snprintf(public_url, sizeof(public_url), "%.*s", (int)n, o->public_url);
		o->public_url = public_url;
	}
	wire_links_init(o->public_url);
	ctx.auth_cache = auth_cache_new();
	ctx.inflight = inflight_new();
	ctx.limits = limits_of(o);
	ctx.http_limits = o->http;
	ctx.tls_cert_file = o->tls_cert;
	ctx.tls_key_file = o->tls_key;
	/* A URL's scheme is case-insensitive (RFC 3986): HTTPS:// is https:// too. */
	ctx.cookie_secure = o->tls_cert ||
			    (o->public_url && !strncasecmp(o->public_url, "https:", 6));
	if (!o->tls_cert != !o->tls_key) {
		fprintf(stderr, "slotd: --tls-cert and --tls-key go together\n");
		goto fail;
	}
	ctx.test_clock = getenv("SLOTD_TEST_CLOCK") && !strcmp(getenv("SLOTD_TEST_CLOCK"), "1");
	/* The test clock's setting from the start, before any background duty runs. */
	if (ctx.test_clock && getenv("SLOTD_TEST_NOW")) {
		int64_t start_now;
		if (rfc3339_parse(getenv("SLOTD_TEST_NOW"), &start_now)) {
			fprintf(stderr, "slotd: SLOTD_TEST_NOW is not an RFC 3339 instant\n");
			goto fail;
		}
		uc_clock_set(start_now);
	}
	if (o->demo) {
		char key[TOKEN_MAX];
		int created;
		if (demo_load(&ctx.env, uc_clock(), key, &created, &demo_users, &e)) {
			fprintf(stderr, "slotd: cannot load demo data: %s\n", e.message);
			goto fail;
		}
		printf("slotd: %s (tenant \"demo\")\nadmin API key: %s\n",
		       created ? "demo clinic loaded" : "demo clinic already present, new key made",
		       key);
	}
	/* Events past the retention go at start, then with the sweeper's rounds. */
	uc_event_purge(&ctx.env, uc_clock());
	/* Ended sessions too, except under the test clock, whose sessions live in its time. */
	if (!ctx.test_clock)
		uc_session_purge(&ctx.env, uc_clock());
	if (!o->notify || strcmp(o->notify, "off")) {
		struct notify_config nc = {o->smtp_url, o->mail_from, o->public_url,
					   o->allow_private_webhooks, NULL};
		if (nc.smtp_url && *nc.smtp_url && (!nc.mail_from || !*nc.mail_from)) {
			fprintf(stderr, "slotd: --smtp needs --mail-from\n");
			goto fail;
		}
		/* One plain address (every message would be refused later otherwise). */
		if (nc.mail_from && *nc.mail_from && !mime_addr_ok(nc.mail_from)) {
			fprintf(stderr, "slotd: --mail-from must be one plain address, got %s\n",
				nc.mail_from);
			goto fail;
		}
		notifier = notifier_start(&ctx.env, &nc, &e);
		if (!notifier) {
			fprintf(stderr, "slotd: %s\n", e.message);
			goto fail;
		}
		ctx.env.notify_wake = notifier_wake_hook;
		ctx.env.notify_arg = notifier;
		ctx.notifier = notifier;
	}
	/* External calendars are read whether or not notifications are sent. */
	calsync = calsync_start(&ctx.env, o->allow_private_webhooks, &e);
	if (!calsync) {
		fprintf(stderr, "slotd: %s\n", e.message);
		goto fail;
	}
	ctx.env.calendar_wake = calsync_wake_hook;
	ctx.env.calendar_arg = calsync;
	ctx.calsync = calsync;
	fd = listen_on(o->listen, bound, sizeof(bound));
	if (fd < 0)
		goto fail;
	srv = server_start(&ctx, fd, o->threads ? o->threads : (unsigned)(cpus > 0 ? cpus : 2),
			   &e);
	if (!srv) {
		fprintf(stderr, "slotd: %s\n", e.message);
		close(fd);
		goto fail;
	}
	if (o->metrics_listen && *o->metrics_listen) {
		char mbound[300];
		int mfd = listen_on(o->metrics_listen, mbound, sizeof(mbound));
		if (mfd < 0 || server_metrics_start(srv, mfd, &e)) {
			if (mfd >= 0) {
				fprintf(stderr, "slotd: %s\n", e.message);
				close(mfd);
			}
			server_drain(srv, 0);
			goto fail;
		}
		printf("slotd metrics on http://%s/metrics\n", mbound);
	}
	if (o->demo) {
		const char *scheme = o->tls_cert ? "https" : "http";
		printf("booking page: %s://%s/book/demo\n", scheme, bound);
		printf("console: %s://%s/console\n", scheme, bound);
		if (*demo_users.admin_password)
			printf("console sign-in: organisation demo, %s / %s\n"
			       "console sign-in (staff, one provider): organisation demo, %s / %s\n",
			       DEMO_ADMIN_EMAIL, demo_users.admin_password, DEMO_STAFF_EMAIL,
			       demo_users.staff_password);
	}
	printf("slotd listening on %s://%s\n", o->tls_cert ? "https" : "http", bound);
	fflush(stdout);
	log_msg(LOG_INFO, "listening on %s, database %s", bound,
		url_shown(o->db, shown, sizeof(shown)));
	/* The signal, flushing the log meanwhile (lines wait at most a quarter second). */
	while ((sig = sigtimedwait(&sigs, NULL, &(struct timespec){0, 250 * 1000 * 1000})) < 0)
		log_flush();
	log_msg(LOG_INFO, "signal %d: draining", sig);
	log_flush();
	server_drain(srv, DRAIN_TIMEOUT_MS);
	/* The syncer first: its records wake the notifier. */
	calsync_stop(calsync);
	notifier_stop(notifier);
	store_close(st);
	tz_db_free(ctx.env.tz);
	auth_cache_free(ctx.auth_cache);
	inflight_free(ctx.inflight);
	ratelimit_free(ctx.limits);
	log_msg(LOG_INFO, "stopped");
	log_flush();
	return 0;
fail:
	calsync_stop(calsync);
	notifier_stop(notifier);
	store_close(st);
	tz_db_free(ctx.env.tz);
	auth_cache_free(ctx.auth_cache);
	inflight_free(ctx.inflight);
	ratelimit_free(ctx.limits);
	return 1;
}

static bool slug_ok(const char *s)
{
	size_t i, n = strlen(s);

	if (n == 0 || n > 63)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (c == '-' && i > 0)))
			return false;
	}
	return true;
}

static int cmd_tenant_create(const char *slug, struct options *o)
{
	struct uc_env env = {0};
	char key[TOKEN_MAX];
	struct store *st;
	struct err e;
	int rc = 0;

	if (!slug_ok(slug))
		return fail("tenant slug must be 1-63 lower-case letters, digits or '-', got %s",
			    slug);
	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	env.store = st;
	env.tz = NULL;
	env.clock = uc_clock;
	if (uc_tenant_create(&env, slug, o->name ? o->name : slug, uc_clock(), key, &e)) {
		fprintf(stderr, "slotd: cannot create tenant %s: %s\n", slug, e.message);
		rc = 1;
	} else {
		printf("created tenant %s\n%s\n", slug, key);
	}
	store_close(st);
	return rc;
}

static int cmd_key_create(const char *slug, struct options *o)
{
	struct uc_env env = {0};
	char key[TOKEN_MAX];
	struct api_key k;
	struct store *st;
	struct err e;
	int rc = 0;

	memset(&k, 0, sizeof(k));
	if (!o->role || role_parse(o->role, &k.role))
		return fail("key create needs --role admin, staff or customer%s", "");
	snprintf(k.name, sizeof(k.name), "%s", o->name ? o->name : "key create");
	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	env.store = st;
	env.clock = uc_clock;
	if (uc_key_create_cli(&env, slug, &k, uc_clock(), key, &e)) {
		fprintf(stderr, "slotd: cannot create a key for tenant %s: %s\n", slug, e.message);
		rc = 1;
	} else {
		printf("%s\n", key);
	}
	store_close(st);
	return rc;
}

/* The password of a new user: the first line of standard input when it is not a terminal
 * (1), else none (0: one is generated). -1 after printing a message. */
static int password_from_stdin(char *out, size_t size)
{
	size_t n;

	if (isatty(STDIN_FILENO))
		return 0;
	if (!fgets(out, (int)size, stdin)) {
		fprintf(stderr, "slotd: standard input is not a terminal but holds no password line\n");
		return -1;
	}
	n = strcspn(out, "\r\n");
	if (!out[n] && !feof(stdin)) {
		fprintf(stderr, "slotd: the password must be %d to %d bytes long\n",
			USER_PASSWORD_MIN, USER_PASSWORD_MAX);
		return -1;
	}
	out[n] = '\0';
	return 1;
}

static int cmd_user_create(const char *slug, const char *email, struct options *o)
{
	char password[USER_PASSWORD_MAX + 8], generated[USER_PASSWORD_GENERATED_MAX];
	struct uc_env env = {0};
	struct store *st;
	struct user u;
	struct err e;
	int rc = 0, given;

	memset(&u, 0, sizeof(u));
	if (!o->role || role_parse(o->role, &u.role) || u.role == ROLE_CUSTOMER) {
		fprintf(stderr, "slotd: user create needs --role admin or staff\n");
		return 1;
	}
	if (strlen(email) > EMAIL_MAX_LEN || !email_valid(email)) {
		fprintf(stderr, "slotd: %s is not an e-mail address\n", email);
		return 1;
	}
	snprintf(u.email, sizeof(u.email), "%s", email);
	snprintf(u.name, sizeof(u.name), "%s", o->name && *o->name ? o->name : email);
	if (o->provider)
		snprintf(u.provider_id, sizeof(u.provider_id), "%s", o->provider);
	if (o->provider && (!id_valid(o->provider, "prv") || u.role != ROLE_STAFF)) {
		fprintf(stderr, "slotd: --provider must be a provider id (prv_...) of a staff user\n");
		return 1;
	}
	given = password_from_stdin(password, sizeof(password));
	if (given < 0)
		return 1;
	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	env.store = st;
	env.clock = uc_clock;
	if (uc_user_create_cli(&env, slug, &u, given ? password : NULL, generated, uc_clock(),
			       &e)) {
		fprintf(stderr, "slotd: cannot create user %s in %s: %s", email, slug, e.message);
		if (e.nfields)
			fprintf(stderr, " (%s %s)", e.fields[0].pointer + 1, e.fields[0].message);
		fputc('\n', stderr);
		rc = 1;
	} else {
		printf("user %s created for %s in %s\n", u.id, u.email, slug);
		if (*generated)
			printf("password: %s\n", generated);
	}
	store_close(st);
	return rc;
}

static void copy_report(void *ctx, const char *table, int64_t rows)
{
	int64_t *total = ctx;
	printf("%-26s %lld\n", table, (long long)rows);
	*total += rows;
}

static int cmd_copy(struct options *o)
{
	struct store *src = NULL, *dst = NULL;
	int64_t total = 0;
	struct err e;
	int rc = 1;

	if (!o->from || !o->to)
		return fail("copy needs --from URL and --to URL%s", "");
	/* The source is only read: a missing SQLite file is an error, not a new database. */
	if (!strncmp(o->from, "sqlite:", 7) && access(o->from + 7, R_OK) != 0) {
		fprintf(stderr, "slotd: cannot read source database %s: %s\n", o->from + 7,
			strerror(errno));
		return 1;
	}
	if (open_store(o->from, &src) || open_store(o->to, &dst))
		goto out;
	err_init(&e);
	if (store_copy(src, dst, o->tenant, copy_report, &total, &e)) {
		fprintf(stderr, "slotd: copy failed, nothing was written: %s\n", e.message);
		goto out;
	}
	printf("copied %lld rows%s%s; every table's row count matches the source\n",
	       (long long)total, o->tenant ? " of tenant " : "", o->tenant ? o->tenant : "");
	rc = 0;
out:
	store_close(src);
	store_close(dst);
	return rc;
}

static int cmd_export(struct options *o)
{
	struct store *st;
	int64_t rows = 0;
	struct err e;
	int rc = 0;

	if (!o->tenant)
		return fail("export needs --tenant SLUG%s", "");
	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	if (transfer_export(st, o->tenant, uc_clock(), stdout, &rows, &e)) {
		fprintf(stderr, "slotd: export of tenant %s failed: %s\n", o->tenant, e.message);
		rc = 1;
	} else {
		fprintf(stderr, "slotd: exported tenant %s: %lld rows\n", o->tenant,
			(long long)rows);
	}
	store_close(st);
	return rc;
}

static int cmd_import(struct options *o)
{
	char slug[128];
	struct store *st;
	int64_t total = 0;
	struct err e;
	int rc = 0;

	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	if (transfer_import(st, stdin, copy_report, &total, slug, &e)) {
		fprintf(stderr, "slotd: import failed, nothing was written: %s\n", e.message);
		rc = 1;
	} else {
		printf("imported tenant %s: %lld rows; every table's row count matches the "
		       "document\n", slug, (long long)total);
	}
	store_close(st);
	return rc;
}

static int cmd_demo(struct options *o)
{
	struct demo_users users;
	struct uc_env env = {0};
	char key[TOKEN_MAX];
	struct store *st;
	struct err e;
	int created, rc = 0;

	if (open_store(o->db, &st))
		return 1;
	err_init(&e);
	env.store = st;
	env.tz = tz_db_new();
	env.clock = uc_clock;
	if (demo_load(&env, uc_clock(), key, &created, &users, &e)) {
		fprintf(stderr, "slotd: cannot load demo data: %s\n", e.message);
		rc = 1;
	} else {
		/* The key stays the last line (scripts take it from there). */
		printf("%s\n", created ? "demo clinic loaded (tenant demo)"
				      : "demo clinic already present; new admin key:");
		if (*users.admin_password)
			printf("console sign-in: organisation demo, %s / %s\n"
			       "console sign-in (staff, one provider): organisation demo, %s / %s\n"
			       "admin API key:\n",
			       DEMO_ADMIN_EMAIL, users.admin_password, DEMO_STAFF_EMAIL,
			       users.staff_password);
		printf("%s\n", key);
	}
	store_close(st);
	tz_db_free(env.tz);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;

	memset(&o, 0, sizeof(o));
	if (ids_init()) {
		fputs("slotd: cannot initialise libsodium\n", stderr);
		return 1;
	}
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "serve")) {
		if (parse_flags(argc, argv, 2, &o))
			return 2;
		return cmd_serve(&o);
	}
	if (!strcmp(argv[1], "tenant") && argc >= 4 && !strcmp(argv[2], "create")) {
		if (parse_flags(argc, argv, 4, &o))
			return 2;
		return cmd_tenant_create(argv[3], &o);
	}
	if (!strcmp(argv[1], "key") && argc >= 4 && !strcmp(argv[2], "create")) {
		if (parse_flags(argc, argv, 4, &o))
			return 2;
		return cmd_key_create(argv[3], &o);
	}
	if (!strcmp(argv[1], "user") && argc >= 5 && !strcmp(argv[2], "create")) {
		if (parse_flags(argc, argv, 5, &o))
			return 2;
		return cmd_user_create(argv[3], argv[4], &o);
	}
	if (!strcmp(argv[1], "copy")) {
		if (parse_flags(argc, argv, 2, &o))
			return 2;
		return cmd_copy(&o);
	}
	if (!strcmp(argv[1], "export") || !strcmp(argv[1], "import")) {
		if (parse_flags(argc, argv, 2, &o))
			return 2;
		return argv[1][0] == 'e' ? cmd_export(&o) : cmd_import(&o);
	}
	if (!strcmp(argv[1], "demo")) {
		if (parse_flags(argc, argv, 2, &o))
			return 2;
		return cmd_demo(&o);
	}
	fprintf(stderr, "slotd: unknown command %s\n", argv[1]);
	usage(stderr);
	return 2;
}
