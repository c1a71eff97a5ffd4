#include "util/arena.h"

#include <stdalign.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/mem.h"

#define ARENA_BLOCK 8192

struct arena_block {
	struct arena_block *next;
	size_t used, cap;
	alignas(max_align_t) unsigned char data[];
};

struct arena_cleanup {
	struct arena_cleanup *next;
	void (*fn)(void *);
	void *arg;
};

struct arena {
	struct arena_block *head;
	size_t block;			/* bytes of each block (a bigger allocation gets its own) */
	struct arena_cleanup *cleanups;
};

static struct arena_block *block_new(size_t cap)
{
	struct arena_block *b = xmalloc(sizeof(*b) + cap);
	b->next = NULL;
	b->used = 0;
	b->cap = cap;
	return b;
}

struct arena *arena_new_sized(size_t block_bytes)
{
	struct arena *a = xmalloc(sizeof(*a));
	a->block = block_bytes < 256 ? 256 : block_bytes;
	a->head = block_new(a->block);
	a->cleanups = NULL;
	return a;
}

struct arena *arena_new(void)
{
	return arena_new_sized(ARENA_BLOCK);
}

void arena_free(struct arena *a)
{
	struct arena_block *b, *nb;

	if (!a)
		return;
	while (a->cleanups) {
		struct arena_cleanup *c = a->cleanups;
		a->cleanups = c->next;
		c->fn(c->arg);
	}
	for (b = a->head; b; b = nb) {
		nb = b->next;
		free(b);
	}
	free(a);
}

size_t arena_size(const struct arena *a)
{
	const struct arena_block *b;
	size_t n = sizeof(*a);

	for (b = a->head; b; b = b->next)
		n += sizeof(*b) + b->cap;
	return n;
}

void *arena_alloc(struct arena *a, size_t n)
{
	const size_t align = alignof(max_align_t);
	struct arena_block *b = a->head;
	size_t off = (b->used + align - 1) & ~(align - 1);
	void *p;

	if (off + n > b->cap) {
		if (n > a->block / 4) {
			/* Big allocations get their own block behind the head. */
			struct arena_block *big = block_new(n);
			big->used = n;
			big->next = b->next;
			b->next = big;
			memset(big->data, 0, n);
			return big->data;
		}
		b = block_new(a->block);
		b->next = a->head;
		a->head = b;
		off = 0;
	}
	p = b->data + off;
	b->used = off + n;
	memset(p, 0, n);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *d = arena_alloc(a, n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

void arena_on_free(struct arena *a, void (*fn)(void *), void *arg)
{
	struct arena_cleanup *c = arena_alloc(a, sizeof(*c));
	c->fn = fn;
	c->arg = arg;
	c->next = a->cleanups;
	a->cleanups = c;
}
