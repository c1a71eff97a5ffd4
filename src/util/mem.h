/* Allocation that aborts on out-of-memory: safety comes from bounding inputs, not from
 * unwinding every caller after a failed malloc. */
#ifndef SLOTD_UTIL_MEM_H
#define SLOTD_UTIL_MEM_H

#include <stddef.h>

void *xmalloc(size_t n);
void *xcalloc(size_t count, size_t size);
void *xrealloc(void *p, size_t n);
/* Grows *p (holding *cap elements of size elem) so it can hold at least want elements. */
void xgrow(void **p, size_t *cap, size_t want, size_t elem);
char *xstrdup(const char *s);

#endif
