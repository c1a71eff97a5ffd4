/* The wire format of external calendars (rendered for responses and event payloads alike).
 * The struct comes from store/store_calendars.h; wire does not call the store. */
#ifndef SLOTD_WIRE_WIRE_CALENDARS_H
#define SLOTD_WIRE_WIRE_CALENDARS_H

#include <jansson.h>

#include "store/store_calendars.h"

/* A calendar as the API shows it: its secrets never (the password is has_password; an
 * iCalendar address is its redacted url), validators and hashes never. Instants in UTC
 * ("…Z"); 0 times, an empty username and an empty last_error are null. */
json_t *wire_calendar(const struct ext_calendar *c);

#endif
