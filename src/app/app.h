/* Wiring shared by the commands of the slotd binary. */
#ifndef SLOTD_APP_APP_H
#define SLOTD_APP_APP_H

#include <stdint.h>

#include "core/tz.h"
#include "store/store.h"
#include "util/err.h"

#define DEFAULT_DB "sqlite:./slotd.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"

/* Creates a tenant with a fresh admin key; writes the key (TOKEN_MAX bytes) to key_out. */
int tenant_create(struct store *st, const char *slug, const char *name, int64_t now,
		  char *key_out, struct err *e);
/* Adds an API key of role to the tenant named slug (ERR_NOT_FOUND when none); writes the key
 * (TOKEN_MAX bytes) to key_out. */
int key_create(struct store *st, const char *slug, enum role role, int64_t now, char *key_out,
	       struct err *e);

/* Loads the sample clinic into tenant "demo" (creating it), or, when it exists, only adds a
 * new admin key. Writes the key to key_out; *created tells which happened. */
int demo_load(struct store *st, struct tz_db *tz, int64_t now, char *key_out, int *created,
	      struct err *e);

#endif
