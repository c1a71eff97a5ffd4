/* Wiring shared by the commands of the slotd binary. */
#ifndef SLOTD_APP_APP_H
#define SLOTD_APP_APP_H

#include <stdint.h>

#include "usecase/uc.h"
#include "util/err.h"

#define DEFAULT_DB "sqlite:./slotd.db"
#define DEFAULT_LISTEN "127.0.0.1:8080"

#define DEMO_ADMIN_EMAIL "admin@demo.example"
#define DEMO_STAFF_EMAIL "jonas@demo.example"

/* The console users the demo makes, with their generated passwords ("" when it made none). */
struct demo_users {
	char admin_password[USER_PASSWORD_GENERATED_MAX];
	char staff_password[USER_PASSWORD_GENERATED_MAX];
};

/* Loads the sample clinic into tenant "demo" (creating it, with two console users: an admin
 * and a staff user limited to Dr. Jonas Weber, whose passwords go to users), or, when it
 * exists, only adds a new admin key (users left empty). Writes the key to key_out
 * (TOKEN_MAX bytes); *created tells which happened. Everything goes through the use cases,
 * events included. */
int demo_load(const struct uc_env *env, int64_t now, char *key_out, int *created,
	      struct demo_users *users, struct err *e);

#endif
