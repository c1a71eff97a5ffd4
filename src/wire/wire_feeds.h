/* The wire format of calendar feeds and of the calendar links a booking carries. */
#ifndef SLOTD_WIRE_WIRE_FEEDS_H
#define SLOTD_WIRE_WIRE_FEEDS_H

#include <jansson.h>

#include "core/feed.h"
#include "core/model.h"

/* A feed; url and webcal_url (its subscription addresses, which hold the secret token) only
 * in the answer that made it, NULL otherwise. */
json_t *wire_feed(const struct feed *f, const char *url, const char *webcal_url);

/* The base of absolute links (the server's --public-url, without a trailing slash): set
 * once at start-up, before any request is served; NULL or "" = links are paths. */
void wire_links_init(const char *public_url);
/* The base set by wire_links_init ("" when none). */
const char *wire_links_base(void);

/* A booking's calendar links: {"ics": its .ics (absolute with a base, else a path),
 * "google_calendar": a prefilled Google Calendar event, "outlook": the Outlook on the web
 * compose form}. */
json_t *wire_booking_links(const struct booking *b);

#endif
