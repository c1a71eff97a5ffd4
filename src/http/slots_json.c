#include "http/slots_json.h"

#include <stdint.h>
#include <string.h>

#include "core/civil.h"
#include "util/err.h"

/* Formats instants in one zone, remembering the offset period and the date of the last call. */
struct instant_fmt {
	const struct tz *tz;
	int64_t period_start, period_end;	/* [start, end) where offset holds */
	int offset;
	char offset_text[8];			/* "Z" or "+HH:MM", NUL padded */
	size_t offset_len;
	int64_t day;				/* local day cached in date_text */
	int64_t day_utc;			/* the instant of that day's 00:00 at offset */
	char date_text[11];			/* "YYYY-MM-DDT" */
};

static const char two_digits[] = "00010203040506070809101112131415161718192021222324252627282930"
				 "31323334353637383940414243444546474849505152535455565758596061"
				 "62636465666768697071727374757677787980818283848586878889909192"
				 "93949596979899";

static void fmt_init(struct instant_fmt *f, const struct tz *tz)
{
	f->tz = tz;
	f->period_start = 1;
	f->period_end = 0;
	f->day = INT64_MIN;
}

static void fmt_period(struct instant_fmt *f, int64_t utc)
{
	char tmp[RFC3339_STR_MAX];

	f->offset = tz_offset_at(f->tz, utc);
	f->period_start = utc;
	f->period_end = tz_next_transition(f->tz, utc);
	f->day = INT64_MIN;	/* day_utc depends on the offset */
	rfc3339_format(0, f->offset, tmp);	/* only the offset suffix is kept */
	f->offset_len = strlen(tmp + 19);
	memset(f->offset_text, 0, sizeof(f->offset_text));
	memcpy(f->offset_text, tmp + 19, f->offset_len);
}

/* Writes "YYYY-MM-DDTHH:MM:SS±HH:MM" at p; returns the length written. */
static size_t fmt_instant(struct instant_fmt *f, int64_t utc, char *p)
{
	int64_t wall, day, sod;
	int h, m, s;

	if (utc < f->period_start || utc >= f->period_end)
		fmt_period(f, utc);
	sod = utc - f->day_utc;
	if (f->day == INT64_MIN || sod < 0 || sod >= 86400) {
		wall = utc + f->offset;
		day = floor_div(wall, 86400);
		sod = wall - day * 86400;
		date_format(day, f->date_text);
		f->date_text[10] = 'T';
		f->day = day;
		f->day_utc = day * 86400 - f->offset;
	}
	memcpy(p, f->date_text, 11);
	h = (int)(sod / 3600);
	m = (int)(sod / 60 % 60);
	s = (int)(sod % 60);
	memcpy(p + 11, two_digits + 2 * h, 2);
	p[13] = ':';
	memcpy(p + 14, two_digits + 2 * m, 2);
	p[16] = ':';
	memcpy(p + 17, two_digits + 2 * s, 2);
	memcpy(p + 19, f->offset_text, 8);	/* fixed size: no libc call; room is reserved */
	return 19 + f->offset_len;
}

/* An instant's text, kept while consecutive slots share it (many providers, one start). */
struct instant_text {
	int64_t utc;
	size_t len;
	char text[32];	/* fmt_instant writes at most 27 bytes */
};

static void text_of(struct instant_fmt *f, struct instant_text *t, int64_t utc)
{
	if (t->utc == utc)
		return;
	t->utc = utc;
	t->len = fmt_instant(f, utc, t->text);
}

void slots_render_json(struct buf *b, const struct slot *v, size_t n, const struct tz *display,
		       const char *const *provider_ids, bool with_seats)
{
	struct instant_text start = {INT64_MIN, 0, {0}}, end = {INT64_MIN, 0, {0}};
	struct instant_fmt f;
	uint32_t last = UINT32_MAX;
	const char *pid = NULL;
	size_t pid_len = 0;
	size_t i;

	fmt_init(&f, display);
	buf_adds(b, "{\"slots\":[");
	for (i = 0; i < n; i++) {
		char *p;

		if (v[i].provider != last) {
			last = v[i].provider;
			pid = provider_ids[last];
			pid_len = strlen(pid);
		}
		text_of(&f, &start, v[i].start);
		text_of(&f, &end, v[i].end);
		/* Ids are [a-z0-9_] by construction, so they need no escaping. */
		if (!buf_reserve(b, 128 + pid_len))
			return;
		p = b->ptr + b->len;
		if (i)
			*p++ = ',';
		memcpy(p, "{\"start\":\"", 10);
		p += 10;
		memcpy(p, start.text, sizeof(start.text));
		p += start.len;
		memcpy(p, "\",\"end\":\"", 9);
		p += 9;
		memcpy(p, end.text, sizeof(end.text));
		p += end.len;
		memcpy(p, "\",\"provider_id\":\"", 17);
		p += 17;
		memcpy(p, pid, pid_len);
		p += pid_len;
		*p++ = '"';
		if (with_seats) {
			char digits[12];
			int32_t sv = v[i].seats_left;
			uint32_t u = sv < 0 ? 0u - (uint32_t)sv : (uint32_t)sv;
			size_t k = sizeof(digits);

			memcpy(p, ",\"seats_left\":", 14);
			p += 14;
			do {
				digits[--k] = (char)('0' + u % 10);
				u /= 10;
			} while (u);
			if (sv < 0)
				*p++ = '-';
			memcpy(p, digits + k, sizeof(digits) - k);
			p += sizeof(digits) - k;
		}
		*p++ = '}';
		*p = '\0';
		b->len = (size_t)(p - b->ptr);
	}
	buf_adds(b, "]}");
}

/* Appends the decimal digits of u at p; returns the length. */
static size_t put_uint(char *p, size_t u)
{
	char digits[24];
	size_t k = sizeof(digits);

	do {
		digits[--k] = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	memcpy(p, digits + k, sizeof(digits) - k);
	return sizeof(digits) - k;
}

/* One group: the slots v[a..b) that share start, those of them ending at end. */
static void group_emit(struct buf *b, struct instant_fmt *f, struct instant_text *start,
		      struct instant_text *end, const struct slot *v, size_t a, size_t z,
		      int64_t end_utc, size_t count, const char *const *provider_ids,
		      bool with_ids, bool first)
{
	size_t i;
	char *p;

	text_of(f, start, v[a].start);
	text_of(f, end, end_utc);
	if (!buf_reserve(b, 128))
		return;
	p = b->ptr + b->len;
	if (!first)
		*p++ = ',';
	memcpy(p, "{\"start\":\"", 10);
	p += 10;
	memcpy(p, start->text, sizeof(start->text));
	p += start->len;
	memcpy(p, "\",\"end\":\"", 9);
	p += 9;
	memcpy(p, end->text, sizeof(end->text));
	p += end->len;
	memcpy(p, "\",\"providers_free\":", 19);
	p += 19;
	p += put_uint(p, count);
	*p = '\0';
	b->len = (size_t)(p - b->ptr);
	if (with_ids) {
		bool any = false;

		buf_adds(b, ",\"provider_ids\":[");
		for (i = a; i < z; i++) {
			const char *pid;
			size_t len;

			if (v[i].end != end_utc)
				continue;
			pid = provider_ids[v[i].provider];
			len = strlen(pid);
			if (!buf_reserve(b, len + 4))
				return;
			p = b->ptr + b->len;
			if (any)
				*p++ = ',';
			*p++ = '"';
			memcpy(p, pid, len);
			p += len;
			*p++ = '"';
			*p = '\0';
			b->len = (size_t)(p - b->ptr);
			any = true;
		}
		buf_adds(b, "]");
	}
	buf_adds(b, "}");
}

void slots_render_grouped(struct buf *b, const struct slot *v, size_t n,
			  const struct tz *display, const char *const *provider_ids,
			  bool with_ids)
{
	struct instant_text start = {INT64_MIN, 0, {0}}, end = {INT64_MIN, 0, {0}};
	struct instant_fmt f;
	bool first = true;
	size_t a = 0, z, i;

	fmt_init(&f, display);
	buf_adds(b, "{\"slots\":[");
	/* v is ordered by start: one pass over each run of a start. */
	while (a < n) {
		int64_t lo = v[a].end, hi = v[a].end, prev;
		bool mixed = false;

		for (z = a + 1; z < n && v[z].start == v[a].start; z++) {
			if (v[z].end != lo)
				mixed = true;
			if (v[z].end < lo)
				lo = v[z].end;
			if (v[z].end > hi)
				hi = v[z].end;
		}
		if (!mixed) {
			group_emit(b, &f, &start, &end, v, a, z, lo, z - a, provider_ids, with_ids,
				   first);
			first = false;
		} else {
			/* Providers with their own duration: a group per end, earliest first. */
			int64_t cur = lo;
			for (;;) {
				size_t count = 0;
				int64_t next = INT64_MAX;

				for (i = a; i < z; i++) {
					if (v[i].end == cur)
						count++;
					else if (v[i].end > cur && v[i].end < next)
						next = v[i].end;
				}
				group_emit(b, &f, &start, &end, v, a, z, cur, count, provider_ids,
					   with_ids, first);
				first = false;
				prev = cur;
				if (next == INT64_MAX || prev == hi)
					break;
				cur = next;
			}
		}
		a = z;
	}
	buf_adds(b, "]}");
}
