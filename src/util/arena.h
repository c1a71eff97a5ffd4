/* A region allocator: many small allocations, one free. Each HTTP request owns one arena,
 * created by the router and freed when the request completes (also when aborted).
 * Cleanup callbacks release what is not memory (JSON values, pooled connections). */
#ifndef SLOTD_UTIL_ARENA_H
#define SLOTD_UTIL_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_new(void);
/* An arena of blocks of block_bytes (instead of 8 KB) each, a bigger allocation getting a
 * block of its own: for many small long-lived arenas, such as cache entries. */
struct arena *arena_new_sized(size_t block_bytes);
/* Runs cleanup callbacks (last registered first), then frees every block. */
void arena_free(struct arena *a);
/* Zeroed memory aligned for any type; lives until arena_free. Aborts when out of memory. */
void *arena_alloc(struct arena *a, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_strndup(struct arena *a, const char *s, size_t n);
void arena_on_free(struct arena *a, void (*fn)(void *), void *arg);
/* Bytes a holds from the allocator (its blocks, headers included). */
size_t arena_size(const struct arena *a);

#endif
