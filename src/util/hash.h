/* FNV-1a: a small, fast, non-cryptographic hash for hash tables and change detection (never
 * for anything an attacker could aim collisions at where that matters). */
#ifndef SLOTD_UTIL_HASH_H
#define SLOTD_UTIL_HASH_H

#include <stddef.h>
#include <stdint.h>

#define HASH_FNV32_INIT 2166136261u
#define HASH_FNV64_INIT 1469598103934665603ull

/* The 32-bit hash of the NUL-terminated s. */
static inline uint32_t hash_fnv32(const char *s)
{
	uint32_t h = HASH_FNV32_INIT;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* h (HASH_FNV64_INIT to start) continued over the n bytes at p. */
static inline uint64_t hash_fnv64_add(uint64_t h, const void *p, size_t n)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ b[i]) * 1099511628211ull;
	return h;
}

#endif
