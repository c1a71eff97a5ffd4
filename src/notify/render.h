/* What an event says to people: the e-mail recipients of an event, and the message one of
 * them gets (text, HTML and, for bookings, an iTIP invitation), from the tenant's template
 * or the built-in one, in the recipient's zone and locale. */
#ifndef SLOTD_NOTIFY_RENDER_H
#define SLOTD_NOTIFY_RENDER_H

#include <stddef.h>

#include "usecase/uc.h"
#include "util/buf.h"

struct notify_mail_config {
	const char *from;		/* the envelope and From address */
	const char *from_name;		/* display name; NULL = the tenant's name */
	const char *public_url;		/* base of links in messages; NULL = no links */
};

struct mail_target {
	char role[12];			/* "customer" or "provider" */
	char address[EMAIL_MAX_LEN + 1];
};

/* The e-mail recipients of ev (tx acts for ev's tenant): none when its type does not mail,
 * else the customer and, when it has an address, the provider. */
int notify_email_targets(const struct uc_env *env, struct store_tx *tx,
			 const struct event_rec *ev, struct arena *a, struct mail_target out[2],
			 size_t *n, struct err *e);

/* The whole RFC 5322 message for the recipient of role that ev mails (tx acts for ev's
 * tenant) into out, and its address into to. 1 when there is nothing to send (the type
 * does not mail, or the recipient has no address any more). */
int notify_render_email(const struct uc_env *env, struct store_tx *tx,
			const struct event_rec *ev, const char *role,
			const struct notify_mail_config *mc, struct arena *a, struct buf *out,
			char to[EMAIL_MAX_LEN + 1], struct err *e);

#endif
