#include "util/err.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

size_t utf8_char(const unsigned char *p, size_t left)
{
	unsigned char lo = 0x80, hi = 0xbf;
	size_t n, i;

	if (left == 0)
		return 0;
	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf) {
		n = 2;
	} else if (p[0] >= 0xe0 && p[0] <= 0xef) {
		n = 3;
		lo = p[0] == 0xe0 ? 0xa0 : lo;	/* no overlong forms */
		hi = p[0] == 0xed ? 0x9f : hi;	/* no surrogates */
	} else if (p[0] >= 0xf0 && p[0] <= 0xf4) {
		n = 4;
		lo = p[0] == 0xf0 ? 0x90 : lo;
		hi = p[0] == 0xf4 ? 0x8f : hi;	/* nothing above U+10FFFF */
	} else {
		return 0;
	}
	if (n > left)
		return 0;
	for (i = 1; i < n; i++) {
		if (p[i] < lo || p[i] > hi)
			return 0;
		lo = 0x80;
		hi = 0xbf;
	}
	return n;
}

/* Messages quote what clients sent (path segments, query values, JSON keys) and go out as
 * JSON, which must be UTF-8. */
void utf8_repair(char *s)
{
	unsigned char *p = (unsigned char *)s;
	size_t left = strlen(s);

	while (left) {
		size_t n = utf8_char(p, left);
		if (n == 0) {
			*p = '?';
			n = 1;
		}
		p += n;
		left -= n;
	}
}

int err_set(struct err *e, enum err_code code, const char *fmt, ...)
{
	va_list ap;

	if (!e || e->code != ERR_OK)
		return -1;
	e->code = code;
	va_start(ap, fmt);
	vsnprintf(e->message, sizeof(e->message), fmt, ap);
	va_end(ap);
	utf8_repair(e->message);
	return -1;
}

static void add_field(struct err *e, const char *pointer, const char *fmt, va_list ap)
{
	struct err_field *f;

	if (e->nfields >= ERR_MAX_FIELDS)
		return;
	f = &e->fields[e->nfields++];
	snprintf(f->pointer, sizeof(f->pointer), "%s", pointer);
	vsnprintf(f->message, sizeof(f->message), fmt, ap);
	utf8_repair(f->pointer);
	utf8_repair(f->message);
}

int err_field(struct err *e, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	if (e->code == ERR_OK)
		err_set(e, ERR_INVALID, "request has invalid values");
	va_start(ap, fmt);
	add_field(e, pointer, fmt, ap);
	va_end(ap);
	return -1;
}

int err_field_code(struct err *e, enum err_code code, const char *pointer, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	if (e->code == ERR_OK)
		err_set(e, code, "request has invalid values");
	va_start(ap, fmt);
	add_field(e, pointer, fmt, ap);
	va_end(ap);
	return -1;
}
