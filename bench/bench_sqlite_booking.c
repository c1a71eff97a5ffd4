/* Raw SQLite rate of the booking write transaction: the reference for POST /v1/bookings
 * (bench/http_bookings.sh). See bench/README.md.
 *
 *   bench_sqlite_booking [seconds-per-run] [--runs N] [--dir DIR | --db PATH]
 *                        [--stride MINUTES] [--prefill N]
 *
 * One thread, one connection, configured like slotd's writer (WAL, synchronous=FULL,
 * foreign_keys=ON, busy_timeout), one booking per transaction:
 *
 *   commit:  BEGIN IMMEDIATE; overlap probe (booked_read's query) finds nothing;
 *            INSERT of a non-overlapping booking (the overlap trigger runs too); COMMIT
 *   reject:  BEGIN IMMEDIATE; overlap probe finds an active booking; ROLLBACK
 *   fdatasync: 4 KiB pwrite + fdatasync of a file next to the database (the sync floor)
 *
 * Bookings are one minute long, one provider, a new start every --stride minutes (default 60)
 * from tomorrow 00:00 UTC, like the HTTP benchmark's. The probe reads every active booking of
 * the provider that starts up to three days before the new one (BOOKING_MAX_BLOCK_SECONDS),
 * so its cost grows with the density: --stride 1 (1440 bookings a day) reads 4320 rows.
 *
 * Without --db the database lives in a fresh temporary directory (under DIR, else $TMPDIR or
 * /tmp) that is removed at exit; with --db PATH it is kept (with PATH.fsync) and reused, and
 * new bookings continue after the latest one. --prefill N inserts N bookings (10000 per
 * transaction) before measuring. Each figure line gives the median rate, µs and CPU µs per
 * operation, and the p99 and maximum latency of one operation.
 *
 * Prints plain text; never fails because of a time. Aborts when a statement fails or a probe
 * gives the wrong answer. Links only sqlite3. */
#define _GNU_SOURCE

#include <errno.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_RUNS 9
#define WARMUP_SEC 0.5
#define MAX_BLOCK_SECONDS (3 * 86400) /* BOOKING_MAX_BLOCK_SECONDS, src/core/booking.h */

#define TENANT "ten_bench000000000000000000"
#define PROVIDER "prv_bench000000000000000000"
#define SERVICE "svc_bench000000000000000000"

/* Parent tables of the bookings foreign keys: copied from migration 1 of
 * src/store/sqlite_conn.c (tenants, providers, services). */
static const char schema_parents[] =
	"CREATE TABLE IF NOT EXISTS tenants ("
	"  id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL,"
	"  created_at INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS providers ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL,"
	"  name TEXT NOT NULL, timezone TEXT NOT NULL, email TEXT,"
	"  auto_confirm INTEGER NOT NULL DEFAULT 1, max_per_day INTEGER NOT NULL DEFAULT 0,"
	"  max_consecutive INTEGER NOT NULL DEFAULT 0, vacation INTEGER NOT NULL DEFAULT 0,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS services ("
	"  tenant_id TEXT NOT NULL REFERENCES tenants(id), id TEXT NOT NULL, name TEXT NOT NULL,"
	"  duration_min INTEGER NOT NULL CHECK (duration_min > 0), price TEXT, currency TEXT,"
	"  buffer_before_min INTEGER NOT NULL DEFAULT 0, buffer_after_min INTEGER NOT NULL DEFAULT 0,"
	"  step_min INTEGER NOT NULL DEFAULT 0, min_notice_min INTEGER NOT NULL DEFAULT 0,"
	"  max_advance_days INTEGER NOT NULL DEFAULT 0,"
	"  capacity INTEGER NOT NULL DEFAULT 1 CHECK (capacity >= 1),"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id)) WITHOUT ROWID;";

/* The bookings table, its indexes and its overlap triggers: this mirrors migration 2 of
 * src/store/sqlite_conn.c, text copied (only IF NOT EXISTS added; booking_history and
 * idempotency_keys left out: the raw transaction does not touch them). Keep it in step when
 * migrations change the bookings table. */
static const char schema_bookings[] =
	"CREATE TABLE IF NOT EXISTS bookings ("
	"  tenant_id TEXT NOT NULL, id TEXT NOT NULL, reference TEXT NOT NULL,"
	"  service_id TEXT NOT NULL, provider_id TEXT NOT NULL,"
	"  start_utc INTEGER NOT NULL, end_utc INTEGER NOT NULL CHECK (end_utc > start_utc),"
	"  block_start INTEGER NOT NULL, block_end INTEGER NOT NULL,"
	"  capacity INTEGER NOT NULL DEFAULT 1,"
	"  status TEXT NOT NULL CHECK (status IN"
	"   ('pending','confirmed','declined','cancelled','completed','no_show')),"
	"  active INTEGER NOT NULL,"
	"  customer_name TEXT NOT NULL, customer_email TEXT NOT NULL, customer_phone TEXT,"
	"  notes TEXT, metadata TEXT, price TEXT, currency TEXT,"
	"  manage_token_hash TEXT NOT NULL, version INTEGER NOT NULL DEFAULT 1,"
	"  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,"
	"  PRIMARY KEY (tenant_id, id), UNIQUE (tenant_id, reference),"
	"  FOREIGN KEY (tenant_id, service_id) REFERENCES services(tenant_id, id),"
	"  FOREIGN KEY (tenant_id, provider_id) REFERENCES providers(tenant_id, id)"
	") WITHOUT ROWID;"
	"CREATE INDEX IF NOT EXISTS bookings_active_by_provider ON bookings(tenant_id, provider_id,"
	"  block_start, block_end, service_id, start_utc) WHERE active = 1;"
	"CREATE INDEX IF NOT EXISTS bookings_by_start ON bookings(tenant_id, start_utc);"
	"CREATE TRIGGER IF NOT EXISTS bookings_no_overlap_insert BEFORE INSERT ON bookings"
	" WHEN NEW.active = 1"
	" BEGIN SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS ("
	"  SELECT 1 FROM bookings b WHERE b.tenant_id = NEW.tenant_id"
	"  AND b.provider_id = NEW.provider_id AND b.active = 1"
	"  AND b.block_start > NEW.block_start - 259200 AND b.block_start < NEW.block_end"
	"  AND b.block_end > NEW.block_start"
	"  AND NOT (NEW.capacity > 1 AND b.service_id = NEW.service_id"
	"   AND b.start_utc = NEW.start_utc))"
	" OR (NEW.capacity > 1 AND (SELECT count(*) FROM bookings b"
	"  WHERE b.tenant_id = NEW.tenant_id AND b.provider_id = NEW.provider_id"
	"  AND b.active = 1 AND b.service_id = NEW.service_id"
	"  AND b.start_utc = NEW.start_utc) >= NEW.capacity); END;"
	"CREATE TRIGGER IF NOT EXISTS bookings_no_overlap_update BEFORE UPDATE OF start_utc,"
	" block_start, block_end, active ON bookings WHEN NEW.active = 1"
	" BEGIN SELECT RAISE(ABORT, 'slot_taken') WHERE EXISTS ("
	"  SELECT 1 FROM bookings b WHERE b.tenant_id = NEW.tenant_id"
	"  AND b.provider_id = NEW.provider_id AND b.active = 1 AND b.id <> NEW.id"
	"  AND b.block_start > NEW.block_start - 259200 AND b.block_start < NEW.block_end"
	"  AND b.block_end > NEW.block_start"
	"  AND NOT (NEW.capacity > 1 AND b.service_id = NEW.service_id"
	"   AND b.start_utc = NEW.start_utc))"
	" OR (NEW.capacity > 1 AND (SELECT count(*) FROM bookings b"
	"  WHERE b.tenant_id = NEW.tenant_id AND b.provider_id = NEW.provider_id"
	"  AND b.active = 1 AND b.id <> NEW.id AND b.service_id = NEW.service_id"
	"  AND b.start_utc = NEW.start_utc) >= NEW.capacity); END;";

static const char seed_sql[] =
	"INSERT OR IGNORE INTO tenants(id, slug, name, created_at)"
	" VALUES ('" TENANT "', 'bench', 'bench', 0);"
	"INSERT OR IGNORE INTO providers(tenant_id, id, name, timezone, created_at, updated_at)"
	" VALUES ('" TENANT "', '" PROVIDER "', 'Bench', 'UTC', 0, 0);"
	"INSERT OR IGNORE INTO services(tenant_id, id, name, duration_min, step_min, created_at,"
	" updated_at) VALUES ('" TENANT "', '" SERVICE "', 'Bench 1 min', 1, 1, 0, 0);";

/* booked_read's query (src/store/sqlite_bookings.c), same text. */
static const char probe_sql[] =
	"SELECT start_utc, block_start, block_end, service_id FROM bookings"
	" WHERE tenant_id = ?1 AND provider_id = ?2 AND active = 1"
	" AND block_start > ?5 AND block_start < ?4 AND block_end > ?3"
	" ORDER BY block_start";

/* booking_insert's statement (src/store/sqlite_bookings.c), same columns. */
static const char insert_sql[] =
	"INSERT INTO bookings(tenant_id, id, reference, service_id, provider_id, start_utc,"
	" end_utc, block_start, block_end, capacity, status, customer_name, customer_email,"
	" customer_phone, notes, metadata, price, currency, version, created_at, updated_at,"
	" active, manage_token_hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12,"
	" ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23)";

static const char crockford[] = "0123456789abcdefghjkmnpqrstvwxyz";
static const char ref_alphabet[] = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"; /* 31 used */

struct bench {
	sqlite3 *db;
	sqlite3_stmt *begin, *commit, *rollback, *probe, *insert;
	int64_t base;	   /* tomorrow 00:00 UTC */
	int64_t next;	   /* index of the next booking: it starts at base + next * stride */
	int64_t stride;	   /* seconds from one booking's start to the next one's */
	int64_t now;
};

struct result {
	double per_sec;
	double cpu_us; /* CPU time of this thread per operation */
	double p99_us; /* latency of one operation: 99th percentile and maximum */
	double max_us;
	uint64_t ops;
};

static void die(const char *what, const char *detail)
{
	fprintf(stderr, "bench_sqlite_booking: %s%s%s\n", what, detail ? ": " : "",
		detail ? detail : "");
	abort();
}

static void check(struct bench *b, int rc, int want, const char *what)
{
	if (rc != want)
		die(what, sqlite3_errmsg(b->db));
}

static int64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static sqlite3_stmt *prep(struct bench *b, const char *sql)
{
	sqlite3_stmt *s;

	check(b, sqlite3_prepare_v3(b->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &s, NULL),
	      SQLITE_OK, sql);
	return s;
}

static void exec(struct bench *b, const char *sql)
{
	char *msg = NULL;

	if (sqlite3_exec(b->db, sql, NULL, NULL, &msg) != SQLITE_OK)
		die(sql, msg);
}

static void step_done(struct bench *b, sqlite3_stmt *s, const char *what)
{
	check(b, sqlite3_step(s), SQLITE_DONE, what);
	sqlite3_reset(s);
}

/* Runs the probe for [start, end): the number of active bookings it finds. */
static int probe(struct bench *b, int64_t start, int64_t end)
{
	sqlite3_stmt *s = b->probe;
	int rows = 0, rc;

	sqlite3_bind_text(s, 1, TENANT, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, PROVIDER, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 3, start);
	sqlite3_bind_int64(s, 4, end);
	sqlite3_bind_int64(s, 5, start - MAX_BLOCK_SECONDS - 1);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW)
		rows++;
	check(b, rc, SQLITE_DONE, "probe");
	sqlite3_reset(s);
	return rows;
}

/* Inserts booking number i (minute i from base) with the values slotd stores for a
 * POST /v1/bookings of the 1-minute service: ids and reference of the same length. */
static void insert(struct bench *b, int64_t i)
{
	sqlite3_stmt *s = b->insert;
	char id[32], ref[9], hash[65];
	uint64_t v, r;
	int k;

	/* bkg_ + 10 time chars + 10 counter chars, ordered like id_new's */
	memcpy(id, "bkg_", 4);
	v = (uint64_t)b->now * 1000;
	for (k = 13; k >= 4; k--, v >>= 5)
		id[k] = crockford[v & 31];
	v = (uint64_t)i;
	for (k = 23; k >= 14; k--, v >>= 5)
		id[k] = crockford[v & 31];
	id[24] = '\0';
	/* 8 of 31 symbols, a bijection of i (the multiplier is prime to 31): unique, scattered */
	r = ((uint64_t)i * 2654435761u + 12345) % UINT64_C(852891037441); /* 31^8 */
	for (k = 7; k >= 0; k--, r /= 31)
		ref[k] = ref_alphabet[r % 31];
	ref[8] = '\0';
	v = (uint64_t)i * 0x9e3779b97f4a7c15u;
	for (k = 0; k < 64; k++, v = v * 6364136223846793005u + 1442695040888963407u)
		hash[k] = "0123456789abcdef"[v >> 60];
	hash[64] = '\0';

	sqlite3_bind_text(s, 1, TENANT, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 2, id, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 3, ref, -1, SQLITE_TRANSIENT);
	sqlite3_bind_text(s, 4, SERVICE, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 5, PROVIDER, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s, 6, b->base + i * b->stride);
	sqlite3_bind_int64(s, 7, b->base + i * b->stride + 60);
	sqlite3_bind_int64(s, 8, b->base + i * b->stride);
	sqlite3_bind_int64(s, 9, b->base + i * b->stride + 60);
	sqlite3_bind_int(s, 10, 1);
	sqlite3_bind_text(s, 11, "confirmed", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 12, "Bench Customer", -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 13, "bench@example.com", -1, SQLITE_STATIC);
	sqlite3_bind_null(s, 14);
	sqlite3_bind_null(s, 15);
	sqlite3_bind_null(s, 16);
	sqlite3_bind_null(s, 17);
	sqlite3_bind_null(s, 18);
	sqlite3_bind_int(s, 19, 1);
	sqlite3_bind_int64(s, 20, b->now);
	sqlite3_bind_int64(s, 21, b->now);
	sqlite3_bind_int(s, 22, 1);
	sqlite3_bind_text(s, 23, hash, -1, SQLITE_TRANSIENT);
	step_done(b, s, "insert booking");
}

/* One accepted booking: BEGIN IMMEDIATE, probe (empty), INSERT, COMMIT. */
static void tx_commit(struct bench *b)
{
	int64_t i = b->next++;
	int64_t start = b->base + i * b->stride;

	step_done(b, b->begin, "BEGIN IMMEDIATE");
	if (probe(b, start, start + 60) != 0)
		die("probe found an overlap for a fresh start", NULL);
	insert(b, i);
	step_done(b, b->commit, "COMMIT");
}

/* One rejected booking: BEGIN IMMEDIATE, probe (finds a booking), ROLLBACK. */
static void tx_reject(struct bench *b)
{
	int64_t start = b->base + (b->next - 1) * b->stride; /* the latest booking's start */

	step_done(b, b->begin, "BEGIN IMMEDIATE");
	if (probe(b, start, start + 60) == 0)
		die("probe found no overlap for a booked start", NULL);
	step_done(b, b->rollback, "ROLLBACK");
}

static int sync_fd = -1;
static uint64_t sync_n;

/* One 4 KiB overwrite in a 1 MiB preallocated file, then fdatasync (WAL commits append
 * frames and sync the WAL; after a checkpoint they overwrite it from its start). */
static void op_fdatasync(struct bench *b)
{
	static char page[4096];

	page[0] = (char)sync_n;
	if (pwrite(sync_fd, page, sizeof(page), (off_t)(sync_n++ % 256) * 4096) != sizeof(page) ||
	    fdatasync(sync_fd) != 0)
		die("fdatasync file", strerror(errno));
}

static int cmp_u32(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, c = *(const uint32_t *)y;
	return a < c ? -1 : a > c;
}

static struct result measure(struct bench *b, void (*op)(struct bench *), double secs)
{
	int64_t t0 = clock_ns(CLOCK_MONOTONIC), c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	int64_t limit = t0 + (int64_t)(secs * 1e9), t = t0, prev;
	struct result r = {0, 0, 0, 0, 0};
	static uint32_t *lat; /* per-operation latency in ns (saturating) */
	static size_t cap;

	do {
		prev = t;
		op(b);
		t = clock_ns(CLOCK_MONOTONIC);
		if (r.ops == cap) {
			cap = cap ? cap * 2 : 65536;
			lat = realloc(lat, cap * sizeof(*lat));
			if (!lat)
				die("out of memory", NULL);
		}
		lat[r.ops++] = t - prev > UINT32_MAX ? UINT32_MAX : (uint32_t)(t - prev);
	} while (t < limit);
	r.per_sec = (double)r.ops * 1e9 / (double)(t - t0);
	r.cpu_us = (double)(clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0) / 1e3 / (double)r.ops;
	qsort(lat, r.ops, sizeof(*lat), cmp_u32);
	r.p99_us = lat[(r.ops * 99) / 100] / 1e3;
	r.max_us = lat[r.ops - 1] / 1e3;
	return r;
}

static int cmp_double(const void *x, const void *y)
{
	double a = *(const double *)x, c = *(const double *)y;
	return a < c ? -1 : a > c;
}

enum field { PER_SEC, CPU_US, P99_US, MAX_US };

static double median(const struct result *r, int n, enum field f)
{
	double v[MAX_RUNS];
	int i;

	for (i = 0; i < n; i++)
		v[i] = f == PER_SEC ? r[i].per_sec
		       : f == CPU_US ? r[i].cpu_us
		       : f == P99_US ? r[i].p99_us
				     : r[i].max_us;
	qsort(v, (size_t)n, sizeof(v[0]), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static void report(const char *name, const char *unit, const struct result *r, int n)
{
	double m = median(r, n, PER_SEC);
	int i;

	printf("%-9s %10.0f %s/s  %7.1f us/%s  cpu %5.1f us/%s  p99 %7.1f us  max %8.1f us  (runs:",
	       name, m, unit, 1e6 / m, unit, median(r, n, CPU_US), unit, median(r, n, P99_US),
	       median(r, n, MAX_US));
	for (i = 0; i < n; i++)
		printf(" %.0f", r[i].per_sec);
	printf(")\n");
}

static int64_t count_rows(struct bench *b)
{
	sqlite3_stmt *s = prep(b, "SELECT count(*) FROM bookings");
	int64_t n;

	check(b, sqlite3_step(s), SQLITE_ROW, "count bookings");
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static void usage(void)
{
	fprintf(stderr, "usage: bench_sqlite_booking [seconds-per-run] [--runs N] "
			"[--dir DIR | --db PATH] [--stride MINUTES] [--prefill N]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *dbpath = NULL;
	char tmpdir[4096] = "", path[4200], syncpath[4200];
	struct result rc[MAX_RUNS], rr[MAX_RUNS], rs[MAX_RUNS];
	double secs = 2.0;
	long prefill = 0, stride_min = 60;
	int runs = 3, i;
	struct bench b;
	sqlite3_stmt *s;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--dir") && i + 1 < argc)
			dir = argv[++i];
		else if (!strcmp(argv[i], "--db") && i + 1 < argc)
			dbpath = argv[++i];
		else if (!strcmp(argv[i], "--stride") && i + 1 < argc)
			stride_min = atol(argv[++i]);
		else if (!strcmp(argv[i], "--prefill") && i + 1 < argc)
			prefill = atol(argv[++i]);
		else if (argv[i][0] != '-' && atof(argv[i]) > 0)
			secs = atof(argv[i]);
		else
			usage();
	}
	if (runs < 1 || runs > MAX_RUNS || prefill < 0 || stride_min < 1)
		usage();

	if (dbpath) {
		snprintf(path, sizeof(path), "%s", dbpath);
		snprintf(syncpath, sizeof(syncpath), "%s.fsync", dbpath);
	} else {
		if (!dir)
			dir = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
		snprintf(tmpdir, sizeof(tmpdir), "%s/bench_sqlite_booking.XXXXXX", dir);
		if (!mkdtemp(tmpdir))
			die("mkdtemp", strerror(errno));
		snprintf(path, sizeof(path), "%s/raw.db", tmpdir);
		snprintf(syncpath, sizeof(syncpath), "%s/fsync", tmpdir);
	}

	memset(&b, 0, sizeof(b));
	b.now = (int64_t)time(NULL);
	b.base = (b.now / 86400 + 1) * 86400;
	b.stride = stride_min * 60;
	if (sqlite3_open_v2(path, &b.db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
					       SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		die("open", path);
	/* slotd's writer connection (conn_open in src/store/sqlite_conn.c) */
	sqlite3_busy_timeout(b.db, 5000);
	sqlite3_extended_result_codes(b.db, 1);
	exec(&b, "PRAGMA journal_mode=WAL");
	exec(&b, "PRAGMA synchronous=FULL");
	exec(&b, "PRAGMA foreign_keys=ON");
	exec(&b, "BEGIN IMMEDIATE");
	exec(&b, schema_parents);
	exec(&b, schema_bookings);
	exec(&b, seed_sql);
	exec(&b, "COMMIT");

	/* Continue after the latest booking of a kept database. */
	s = prep(&b, "SELECT max(start_utc) FROM bookings WHERE tenant_id = '" TENANT "'");
	check(&b, sqlite3_step(s), SQLITE_ROW, "latest booking");
	if (sqlite3_column_type(s, 0) != SQLITE_NULL) {
		int64_t last = sqlite3_column_int64(s, 0);
		b.next = last >= b.base ? (last - b.base) / b.stride + 1 : 0;
	}
	sqlite3_finalize(s);

	b.begin = prep(&b, "BEGIN IMMEDIATE");
	b.commit = prep(&b, "COMMIT");
	b.rollback = prep(&b, "ROLLBACK");
	b.probe = prep(&b, probe_sql);
	b.insert = prep(&b, insert_sql);

	if (prefill) {
		long n;
		exec(&b, "BEGIN IMMEDIATE");
		for (n = 0; n < prefill; n++) {
			insert(&b, b.next++);
			if (n % 10000 == 9999) {
				exec(&b, "COMMIT");
				exec(&b, "BEGIN IMMEDIATE");
			}
		}
		exec(&b, "COMMIT");
	}

	sync_fd = open(syncpath, O_RDWR | O_CREAT, 0600);
	if (sync_fd < 0 || posix_fallocate(sync_fd, 0, 256 * 4096) != 0 || fsync(sync_fd) != 0)
		die("fdatasync file", syncpath);

	printf("bench_sqlite_booking: SQLite %s, WAL, synchronous=FULL, %d run(s) of %.1f s, "
	       "starts every %ld min, %lld bookings before, db %s\n",
	       sqlite3_libversion(), runs, secs, stride_min, (long long)count_rows(&b), path);
	fflush(stdout);

	measure(&b, tx_commit, WARMUP_SEC);
	measure(&b, tx_reject, WARMUP_SEC / 5);
	for (i = 0; i < runs; i++) {
		rc[i] = measure(&b, tx_commit, secs);
		rr[i] = measure(&b, tx_reject, secs);
		rs[i] = measure(&b, op_fdatasync, secs);
	}
	report("commit", "tx", rc, runs);
	report("reject", "tx", rr, runs);
	report("fdatasync", "op", rs, runs);
	printf("bookings after: %lld\n", (long long)count_rows(&b));

	close(sync_fd);
	sqlite3_finalize(b.begin);
	sqlite3_finalize(b.commit);
	sqlite3_finalize(b.rollback);
	sqlite3_finalize(b.probe);
	sqlite3_finalize(b.insert);
	if (sqlite3_close(b.db) != SQLITE_OK)
		die("close", NULL);
	if (!dbpath) {
		char p[4300];
		const char *files[] = {"raw.db", "raw.db-wal", "raw.db-shm", "fsync"};
		size_t k;
		for (k = 0; k < sizeof(files) / sizeof(files[0]); k++) {
			snprintf(p, sizeof(p), "%s/%s", tmpdir, files[k]);
			unlink(p);
		}
		rmdir(tmpdir);
	}
	return 0;
}
