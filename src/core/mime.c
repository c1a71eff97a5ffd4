#include "core/mime.h"

#include <sodium.h>
#include <string.h>

#include "core/civil.h"
#include "core/model.h"
#include "util/err.h"

#define QP_LINE 76		/* encoded text line, soft break included (RFC 2045 §6.7) */
#define B64_LINE_BYTES 57	/* 76 base64 characters a line */
#define WORD_BYTES 45		/* payload of one B encoded-word: 60 + 12 = 72 characters */
#define RAW_HEADER_MAX 900	/* longer ASCII values are encoded, hence folded */

static bool has_crlf(const char *s)
{
	return s && strpbrk(s, "\r\n") != NULL;
}

static bool plain_ascii(const char *s)
{
	const unsigned char *p;

	for (p = (const unsigned char *)s; *p; p++)
		if (*p < ' ' || *p > '~')
			return false;
	/* "=?" would read as the start of an encoded-word. */
	return strstr(s, "=?") == NULL && strlen(s) <= RAW_HEADER_MAX;
}

bool mime_addr_ok(const char *a)
{
	const unsigned char *p;

	if (!a || !*a || !strchr(a, '@') || strlen(a) > EMAIL_MAX_LEN)
		return false;
	for (p = (const unsigned char *)a; *p; p++)
		if (*p <= ' ' || *p >= 0x7f || strchr("<>()[],;:\"\\", *p))
			return false;
	return true;
}

static bool msgid_ok(const char *id)
{
	size_t len = id ? strlen(id) : 0;

	return len >= 5 && id[0] == '<' && id[len - 1] == '>' && strchr(id, '@') &&
	       plain_ascii(id) && !strchr(id, ' ');
}

static bool method_ok(const char *m)
{
	const char *p;

	if (!m || !*m)
		return false;
	for (p = m; *p; p++)
		if (*p < 'A' || *p > 'Z')
			return false;
	return true;
}

/* Length of the longest prefix of s, at most max bytes, that does not split a UTF-8
 * sequence (a prefix ends before a continuation byte). */
static size_t utf8_cut(const char *s, size_t len, size_t max)
{
	size_t n;

	if (len <= max)
		return len;
	n = max;
	while (n > 0 && ((unsigned char)s[n] & 0xc0) == 0x80)
		n--;
	return n ? n : max;
}

/* value as RFC 2047 B encoded-words of UTF-8, at most 72 characters each, folded one word
 * a line; no word splits a UTF-8 sequence (RFC 2047 §5). */
static void add_encoded_words(struct buf *out, const char *value)
{
	char b64[sodium_base64_ENCODED_LEN(WORD_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	size_t len = strlen(value), off = 0;

	if (len == 0)
		return;
	while (off < len) {
		size_t n = utf8_cut(value + off, len - off, WORD_BYTES);
		sodium_bin2base64(b64, sizeof(b64), (const unsigned char *)value + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		if (off)
			buf_adds(out, "\r\n ");
		buf_addf(out, "=?UTF-8?B?%s?=", b64);
		off += n;
	}
}

/* An unstructured header value (Subject). */
static void add_text_value(struct buf *out, const char *value)
{
	if (plain_ascii(value))
		buf_adds(out, value);
	else
		add_encoded_words(out, value);
}

/* A display name followed by <addr>: a quoted-string when ASCII, else encoded-words. */
static void add_mailbox(struct buf *out, const char *name, const char *addr)
{
	const char *p;

	if (name && *name) {
		if (plain_ascii(name)) {
			buf_addc(out, '"');
			for (p = name; *p; p++) {
				if (*p == '"' || *p == '\\')
					buf_addc(out, '\\');
				buf_addc(out, *p);
			}
			buf_addc(out, '"');
		} else {
			add_encoded_words(out, name);
		}
		buf_adds(out, " ");
	}
	buf_addf(out, "<%s>", addr);
}

static void add_date(struct buf *out, int64_t utc)
{
	static const char *const wday[] = { "Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun" };
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
	int64_t day = floor_div(utc, 86400), sod = utc - day * 86400;
	int y, m, d;

	civil_from_days(day, &y, &m, &d);
	buf_addf(out, "%s, %d %s %04d %02d:%02d:%02d +0000", wday[weekday_from_days(day)], d,
		 mon[m - 1], y, (int)(sod / 3600), (int)(sod / 60 % 60), (int)(sod % 60));
}

static void add_boundary(char out[40])
{
	unsigned char rnd[12];
	char hex[25];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	/* "=_" never occurs in quoted-printable or base64 text, so no body can hold it. */
	snprintf(out, 40, "=_slotd_%s", hex);
}

/* Quoted-printable (RFC 2045 §6.7) of UTF-8 text whose lines end in "\n" or "\r\n"; line
 * ends become CRLF hard breaks. A '.' or space starting a line is encoded too, so no
 * transport ever dot-stuffs or strips it. */
static void add_qp(struct buf *out, const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t col = 0;

	for (; *p; p++) {
		char enc[4];
		size_t w;
		bool hard_end;

		if (*p == '\r' && p[1] == '\n')
			continue;
		if (*p == '\n') {
			buf_adds(out, "\r\n");
			col = 0;
			continue;
		}
		hard_end = p[1] == '\0' || p[1] == '\n' || (p[1] == '\r' && p[2] == '\n');
		if ((*p >= 33 && *p <= 126 && *p != '=' && !(*p == '.' && col == 0)) ||
		    (*p == ' ' && !hard_end && col != 0)) {
			enc[0] = (char)*p;
			enc[1] = '\0';
		} else {
			snprintf(enc, sizeof(enc), "=%02X", *p);
		}
		w = strlen(enc);
		/* Room for the soft break's "=" at the end of the line. */
		if (col + w > QP_LINE - 1) {
			buf_adds(out, "=\r\n");
			col = 0;
			if (enc[0] == '.' || enc[0] == ' ')
				snprintf(enc, sizeof(enc), "=%02X", *p);
			w = strlen(enc);
		}
		buf_adds(out, enc);
		col += w;
	}
	buf_adds(out, "\r\n");
}

static void add_base64(struct buf *out, const char *data)
{
	char line[sodium_base64_ENCODED_LEN(B64_LINE_BYTES, sodium_base64_VARIANT_ORIGINAL)];
	size_t len = strlen(data), off;

	for (off = 0; off < len; off += B64_LINE_BYTES) {
		size_t n = len - off < B64_LINE_BYTES ? len - off : B64_LINE_BYTES;
		sodium_bin2base64(line, sizeof(line), (const unsigned char *)data + off, n,
				  sodium_base64_VARIANT_ORIGINAL);
		buf_adds(out, line);
		buf_adds(out, "\r\n");
	}
}

static void add_text_part(struct buf *out, const char *boundary, const char *subtype,
			  const char *text)
{
	buf_addf(out, "--%s\r\n", boundary);
	buf_addf(out, "Content-Type: text/%s; charset=utf-8\r\n", subtype);
	buf_adds(out, "Content-Transfer-Encoding: quoted-printable\r\n\r\n");
	add_qp(out, text ? text : "");
}

static void add_alternative(struct buf *out, const struct mail_msg *m)
{
	char b[40];

	add_boundary(b);
	buf_addf(out, "Content-Type: multipart/alternative; boundary=\"%s\"\r\n\r\n", b);
	add_text_part(out, b, "plain", m->text);
	add_text_part(out, b, "html", m->html);
	if (m->ics) {
		buf_addf(out, "--%s\r\n", b);
		buf_addf(out, "Content-Type: text/calendar; charset=utf-8; method=%s\r\n",
			 m->ics_method);
		buf_adds(out, "Content-Transfer-Encoding: base64\r\n\r\n");
		add_base64(out, m->ics);
	}
	buf_addf(out, "--%s--\r\n", b);
}

int mime_build(const struct mail_msg *m, struct buf *out, struct err *e)
{
	char mixed[40];

	if (!mime_addr_ok(m->from) || has_crlf(m->from_name))
		return err_set(e, ERR_INVALID, "the sender address or name is invalid");
	if (!mime_addr_ok(m->to) || has_crlf(m->to_name))
		return err_set(e, ERR_INVALID, "the recipient address or name is invalid");
	if (has_crlf(m->subject))
		return err_set(e, ERR_INVALID, "the subject holds a line break");
	if (!msgid_ok(m->message_id))
		return err_set(e, ERR_INVALID, "the message id is invalid");
	if (m->ics && !method_ok(m->ics_method))
		return err_set(e, ERR_INVALID, "the invitation method is invalid");

	buf_adds(out, "From: ");
	add_mailbox(out, m->from_name, m->from);
	buf_adds(out, "\r\nTo: ");
	add_mailbox(out, m->to_name, m->to);
	buf_adds(out, "\r\nSubject: ");
	add_text_value(out, m->subject ? m->subject : "");
	buf_adds(out, "\r\nDate: ");
	add_date(out, m->date);
	buf_addf(out, "\r\nMessage-ID: %s\r\n", m->message_id);
	buf_adds(out, "MIME-Version: 1.0\r\nAuto-Submitted: auto-generated\r\n");
	if (!m->ics) {
		add_alternative(out, m);
		return 0;
	}
	add_boundary(mixed);
	buf_addf(out, "Content-Type: multipart/mixed; boundary=\"%s\"\r\n\r\n", mixed);
	buf_addf(out, "--%s\r\n", mixed);
	add_alternative(out, m);
	buf_addf(out, "--%s\r\n", mixed);
	buf_addf(out, "Content-Type: application/ics; name=\"invite.ics\"\r\n"
		      "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"
		      "Content-Transfer-Encoding: base64\r\n\r\n");
	add_base64(out, m->ics);
	buf_addf(out, "--%s--\r\n", mixed);
	return 0;
}

void mime_message_id(char *out, size_t n, const char *domain)
{
	unsigned char rnd[16];
	char hex[33];

	randombytes_buf(rnd, sizeof(rnd));
	sodium_bin2hex(hex, sizeof(hex), rnd, sizeof(rnd));
	snprintf(out, n, "<%s@%s>", hex, domain && *domain ? domain : "slotd");
}
