/* A growable, always NUL-terminated string builder with a hard size limit. Appends past the
 * limit set a sticky `failed` flag instead of growing; callers check it once at the end. */
#ifndef SLOTD_UTIL_BUF_H
#define SLOTD_UTIL_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
	char *ptr;	/* heap, owned; "" until the first append */
	size_t len;
	size_t cap;
	size_t limit;	/* maximum len */
	bool failed;	/* an append would have passed limit */
};

#define BUF_DEFAULT_LIMIT (64u << 20)

void buf_init(struct buf *b, size_t limit);
void buf_release(struct buf *b);
/* Hands the heap string to the caller (who frees it) and resets b to empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_reset(struct buf *b);

/* Makes room for n more bytes; returns false (and sets failed) past the limit. */
bool buf_reserve(struct buf *b, size_t n);
void buf_add(struct buf *b, const void *p, size_t n);
void buf_adds(struct buf *b, const char *s);
void buf_addc(struct buf *b, char c);
void buf_addf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s as a JSON string literal, quotes included, escaping as RFC 8259 requires. */
void buf_add_json_str(struct buf *b, const char *s);

#endif
