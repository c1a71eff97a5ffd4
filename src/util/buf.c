#include "util/buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/mem.h"

static char empty_buf[1];

void buf_init(struct buf *b, size_t limit)
{
	b->ptr = empty_buf;
	b->len = 0;
	b->cap = 0;
	b->limit = limit ? limit : BUF_DEFAULT_LIMIT;
	b->failed = false;
}

void buf_release(struct buf *b)
{
	if (b->cap)
		free(b->ptr);
	buf_init(b, b->limit);
}

char *buf_detach(struct buf *b, size_t *len)
{
	char *p;

	if (!b->cap)
		p = xstrdup("");
	else
		p = b->ptr;
	if (len)
		*len = b->len;
	b->ptr = empty_buf;
	b->len = 0;
	b->cap = 0;
	b->failed = false;
	return p;
}

void buf_reset(struct buf *b)
{
	b->len = 0;
	b->failed = false;
	if (b->cap)
		b->ptr[0] = '\0';
}

bool buf_reserve(struct buf *b, size_t n)
{
	size_t want;

	if (b->failed)
		return false;
	if (n > b->limit - b->len) {
		b->failed = true;
		return false;
	}
	want = b->len + n + 1;
	if (want <= b->cap)
		return true;
	if (!b->cap) {
		size_t c = want < 256 ? 256 : want;
		b->ptr = xmalloc(c);
		b->cap = c;
		b->ptr[0] = '\0';
		return true;
	}
	{
		size_t c = b->cap;
		while (c < want)
			c *= 2;
		b->ptr = xrealloc(b->ptr, c);
		b->cap = c;
	}
	return true;
}

void buf_add(struct buf *b, const void *p, size_t n)
{
	if (!buf_reserve(b, n))
		return;
	memcpy(b->ptr + b->len, p, n);
	b->len += n;
	b->ptr[b->len] = '\0';
}

void buf_adds(struct buf *b, const char *s)
{
	buf_add(b, s, strlen(s));
}

void buf_addc(struct buf *b, char c)
{
	buf_add(b, &c, 1);
}

void buf_addf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0 || !buf_reserve(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->ptr + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void buf_add_json_str(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *p = (const unsigned char *)s;
	const unsigned char *run = p;

	buf_addc(b, '"');
	for (; *p; p++) {
		unsigned char c = *p;
		char esc[6];
		size_t n = 2;

		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_add(b, run, (size_t)(p - run));
		run = p + 1;
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		default:
			esc[1] = 'u';
			esc[2] = '0';
			esc[3] = '0';
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 15];
			n = 6;
		}
		buf_add(b, esc, n);
	}
	buf_add(b, run, (size_t)(p - run));
	buf_addc(b, '"');
}
