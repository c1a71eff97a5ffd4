#include "core/reminder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct reminder_offsets REMINDER_DEFAULT = {true, 2, {1440, 60}};

const struct reminder_offsets *reminder_offsets_resolve(const struct reminder_offsets *service,
							 const struct reminder_offsets *tenant)
{
	if (service && service->set)
		return service;
	if (tenant && tenant->set)
		return tenant;
	return &REMINDER_DEFAULT;
}

bool reminder_offset_ok(long minutes)
{
	return minutes >= REMINDER_OFFSET_MIN && minutes <= REMINDER_OFFSET_LIMIT;
}

static int descending(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x < y) - (x > y);
}

int reminder_offsets_normalise(struct reminder_offsets *o)
{
	size_t i;

	qsort(o->minutes, o->n, sizeof(o->minutes[0]), descending);
	for (i = 1; i < o->n; i++)
		if (o->minutes[i] == o->minutes[i - 1])
			return -1;
	return 0;
}

void reminder_offsets_encode(const struct reminder_offsets *o, char out[REMINDER_TEXT_MAX])
{
	size_t i, len;

	out[0] = '\0';
	if (!o->set)
		return;
	len = (size_t)snprintf(out, REMINDER_TEXT_MAX, "[");
	for (i = 0; i < o->n && len < REMINDER_TEXT_MAX; i++)
		len += (size_t)snprintf(out + len, REMINDER_TEXT_MAX - len, "%s%d", i ? "," : "",
					o->minutes[i]);
	if (len < REMINDER_TEXT_MAX)
		snprintf(out + len, REMINDER_TEXT_MAX - len, "]");
}

int reminder_offsets_decode(const char *text, struct reminder_offsets *out)
{
	const char *p = text;
	char *end;
	long v;

	memset(out, 0, sizeof(*out));
	if (!text || !*text)
		return 0;
	if (*p++ != '[')
		return -1;
	out->set = true;
	if (*p == ']')
		return p[1] ? -1 : 0;
	for (;;) {
		v = strtol(p, &end, 10);
		if (end == p || !reminder_offset_ok(v) || out->n == REMINDER_OFFSETS_MAX)
			return -1;
		out->minutes[out->n++] = (int)v;
		p = end;
		if (*p == ']')
			return p[1] ? -1 : 0;
		if (*p++ != ',')
			return -1;
	}
}

size_t reminder_plan(const struct reminder_offsets *o, int64_t start, int64_t now,
		     int offsets[REMINDER_OFFSETS_MAX], int64_t due[REMINDER_OFFSETS_MAX])
{
	size_t i, n = 0;

	for (i = 0; i < o->n && i < REMINDER_OFFSETS_MAX; i++) {
		int64_t at = reminder_due(start, o->minutes[i]);
		if (at <= now)
			continue;
		offsets[n] = o->minutes[i];
		due[n++] = at;
	}
	return n;
}
