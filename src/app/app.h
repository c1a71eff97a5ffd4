/* Wiring shared by the commands of the slotd binary. */
#ifndef SLOTD_APP_APP_H
#define SLOTD_APP_APP_H

#include <stdint.h>

#include "usecase/uc.h"
#include "util/err.h"

#define DEFAULT_DB "sqlite:./slotd.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"

/* Loads the sample clinic into tenant "demo" (creating it), or, when it exists, only adds a
 * new admin key. Writes the key to key_out (TOKEN_MAX bytes); *created tells which
 * happened. Everything goes through the use cases, events included. */
int demo_load(const struct uc_env *env, int64_t now, char *key_out, int *created,
	      struct err *e);

#endif
