/* Shared by the libFuzzer targets (one fuzz_<name>.c per executable). The entry points are
 * declared here so the targets build with -Wmissing-prototypes. */
#ifndef SLOTD_FUZZ_FUZZ_H
#define SLOTD_FUZZ_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* The input as a NUL-terminated heap string (the caller frees it). Inputs are untrusted
 * bytes of any length, so parsers that take C strings get a copy; an embedded NUL ends the
 * string, as it would in a header or query value. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);

	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* A property every input must keep; a broken one aborts, so libFuzzer reports the input. */
static inline void fuzz_check(int ok, const char *what)
{
	if (ok)
		return;
	fprintf(stderr, "fuzz: property broken: %s\n", what);
	abort();
}

#endif
