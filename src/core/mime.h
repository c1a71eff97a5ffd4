/* RFC 5322 / RFC 2045 e-mail messages: headers (non-ASCII as RFC 2047 encoded-words), and a
 * multipart/alternative body of text and HTML, inside a multipart/mixed with the iTIP
 * invitation (text/calendar part and an invite.ics attachment) when there is one.
 * Bodies are UTF-8: text parts quoted-printable, calendar parts base64. Lines end in CRLF
 * and never pass 998 octets. Boundaries are random. */
#ifndef SLOTD_CORE_MIME_H
#define SLOTD_CORE_MIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "util/buf.h"
#include "util/err.h"

struct mail_msg {
	const char *from, *from_name;	/* address; display name optional */
	const char *to, *to_name;
	const char *subject;
	const char *text;		/* plain text body, UTF-8, "\n" or "\r\n" lines */
	const char *html;		/* HTML body, UTF-8 */
	const char *ics;		/* NULL = no invitation */
	const char *ics_method;		/* "REQUEST" or "CANCEL" */
	const char *message_id;		/* "<…@…>" */
	int64_t date;			/* UTC seconds; written as +0000 */
};

/* Appends the whole message (headers and body) to out. Errors: ERR_INVALID when a header
 * value (address, name, subject, message id, method) holds CR or LF, or a required one
 * (from, to, message_id) is missing or empty; out may then hold a partial message. */
int mime_build(const struct mail_msg *m, struct buf *out, struct err *e);

/* A new Message-ID "<32 random hex digits@domain>" into out (n bytes; truncated to fit). */
void mime_message_id(char *out, size_t n, const char *domain);
/* Whether a is one plain address as written inside <> (an @, no space, control, non-ASCII
 * or specials that would end it) of at most EMAIL_MAX_LEN bytes. */
bool mime_addr_ok(const char *a);

#endif
