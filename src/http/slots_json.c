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
	char offset_text[7];			/* "Z" or "+HH:MM" */
	size_t offset_len;
	int64_t day;				/* local day cached in date_text */
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
	rfc3339_format(0, f->offset, tmp);	/* only the offset suffix is kept */
	f->offset_len = strlen(tmp + 19);
	memcpy(f->offset_text, tmp + 19, f->offset_len);
}

/* Writes "YYYY-MM-DDTHH:MM:SS±HH:MM" at p; returns the length written. */
static size_t fmt_instant(struct instant_fmt *f, int64_t utc, char *p)
{
	int64_t wall, day, sod;
	int h, m, s;

	if (utc < f->period_start || utc >= f->period_end)
		fmt_period(f, utc);
	wall = utc + f->offset;
	day = floor_div(wall, 86400);
	sod = wall - day * 86400;
	if (day != f->day) {
		date_format(day, f->date_text);
		f->date_text[10] = 'T';
		f->day = day;
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
	memcpy(p + 19, f->offset_text, f->offset_len);
	return 19 + f->offset_len;
}

void slots_render_json(struct buf *b, const struct slot *v, size_t n, const struct tz *display,
		       const char *const *provider_ids, bool with_seats)
{
	struct instant_fmt f;
	size_t i;

	fmt_init(&f, display);
	buf_adds(b, "{\"slots\":[");
	for (i = 0; i < n; i++) {
		const char *pid = provider_ids[v[i].provider];
		size_t pid_len = strlen(pid);
		char *p;

		/* Ids are [a-z0-9_] by construction, so they need no escaping. */
		if (!buf_reserve(b, 128 + pid_len))
			return;
		p = b->ptr + b->len;
		if (i)
			*p++ = ',';
		memcpy(p, "{\"start\":\"", 10);
		p += 10;
		p += fmt_instant(&f, v[i].start, p);
		memcpy(p, "\",\"end\":\"", 9);
		p += 9;
		p += fmt_instant(&f, v[i].end, p);
		memcpy(p, "\",\"provider_id\":\"", 17);
		p += 17;
		memcpy(p, pid, pid_len);
		p += pid_len;
		*p++ = '"';
		b->len = (size_t)(p - b->ptr);
		if (with_seats)
			buf_addf(b, ",\"seats_left\":%d", (int)v[i].seats_left);
		buf_addc(b, '}');
	}
	buf_adds(b, "]}");
}
