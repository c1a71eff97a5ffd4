/* Unit tests for core/mime: headers, multipart structure, and bodies decoded back from
 * quoted-printable and base64 by the test's own decoders. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "core/mime.h"

#define ICS "BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
#define TEXT "Grüße, Jürgen!\nYour booking: Monday, 14 December 2026 at 3:30 PM.\n" \
	     ".leading dot\nA = sign and trailing space \nEnd"
#define HTML "<p>Grüße &amp; Hallo</p>"

static struct mail_msg sample(void)
{
	struct mail_msg m = {
		.from = "bookings@salon.example",
		.from_name = "Salon \"Schnitt\" Berlin",
		.to = "juergen@example.com",
		.to_name = "Jürgen Müller",
		.subject = "Buchung bestätigt: Haarschnitt am Montag, 14. Dezember 2026 um 15:30 "
			   "Uhr – bitte nicht antworten",
		.text = TEXT,
		.html = HTML,
		.ics = ICS,
		.ics_method = "REQUEST",
		.message_id = "<abc123@slotd.example>",
		.date = 1797258600,
	};
	return m;
}

static char *build(const struct mail_msg *m)
{
	struct buf b;
	struct err e;
	char *s;

	buf_init(&b, BUF_DEFAULT_LIMIT);
	err_init(&e);
	assert_int_equal(mime_build(m, &b, &e), 0);
	assert_false(b.failed);
	s = buf_detach(&b, NULL);
	buf_release(&b);
	return s;
}

/* Every line ends in CRLF and is at most 998 octets; header lines of encoded-words ≤ 78. */
static void assert_lines(const char *msg)
{
	const char *p = msg, *nl;

	while ((nl = strchr(p, '\n'))) {
		assert_true(nl > msg && nl[-1] == '\r');
		assert_true(nl - p - 1 <= 998);
		assert_null(memchr(p, '\r', (size_t)(nl - 1 - p)));
		p = nl + 1;
	}
	assert_string_equal(p, "");
}

/* The value of header name (unfolded), from the header block ending at the blank line. */
static void header(const char *msg, const char *name, char *out, size_t n)
{
	size_t len = strlen(name), o = 0;
	const char *p = msg, *end = strstr(msg, "\r\n\r\n");

	out[0] = '\0';
	while (p < end) {
		if (strncmp(p, name, len) == 0 && p[len] == ':') {
			p += len + 1;
			while (*p == ' ')
				p++;
			while (p < end + 2) {
				if (p[0] == '\r' && p[1] == '\n') {
					if (p[2] != ' ' && p[2] != '\t')
						break;
					p += 2;
					continue;
				}
				if (o + 1 < n)
					out[o++] = *p;
				p++;
			}
			out[o] = '\0';
			return;
		}
		p = strstr(p, "\r\n") + 2;
	}
}

/* Decodes =?UTF-8?B?...?= words (RFC 2047 §6.2: adjacent words are joined). */
static void decode_words(const char *v, char *out, size_t n)
{
	size_t o = 0;

	while (*v) {
		const char *end;
		size_t got;
		if (strncmp(v, "=?UTF-8?B?", 10) == 0 && (end = strstr(v + 10, "?="))) {
			assert_int_equal(sodium_base642bin((unsigned char *)out + o, n - o - 1, v + 10,
							   (size_t)(end - v - 10), NULL, &got, NULL,
							   sodium_base64_VARIANT_ORIGINAL), 0);
			assert_true(end - v + 2 <= 75);
			o += got;
			v = end + 2;
			/* Space between two encoded-words is not part of the text. */
			if (*v == ' ' && strncmp(v + strspn(v, " "), "=?UTF-8?B?", 10) == 0)
				v += strspn(v, " ");
			continue;
		}
		if (o + 1 < n)
			out[o++] = *v;
		v++;
	}
	out[o] = '\0';
}

static int hexval(char c)
{
	return c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

static char *qp_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t i, o = 0;

	for (i = 0; i < len; i++) {
		if (s[i] == '=' && i + 2 < len && s[i + 1] == '\r' && s[i + 2] == '\n') {
			i += 2;
		} else if (s[i] == '=') {
			assert_true(i + 2 < len);
			assert_true(hexval(s[i + 1]) >= 0 && hexval(s[i + 2]) >= 0);
			out[o++] = (char)(hexval(s[i + 1]) * 16 + hexval(s[i + 2]));
			i += 2;
		} else if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n') {
			out[o++] = '\n';
			i++;
		} else {
			assert_true(s[i] >= ' ' && s[i] <= '~');
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
	return out;
}

static char *b64_decode(const char *s, size_t len)
{
	char *out = malloc(len + 1);
	size_t got;

	assert_int_equal(sodium_base642bin((unsigned char *)out, len, s, len, "\r\n", &got, NULL,
					   sodium_base64_VARIANT_ORIGINAL), 0);
	out[got] = '\0';
	return out;
}

/* The body of the part whose headers contain marker (its content after the blank line, up
 * to the CRLF before the next boundary line "--boundary"). */
static const char *part_body(const char *msg, const char *marker, const char *boundary,
			     size_t *len)
{
	char delim[96];
	const char *h = strstr(msg, marker), *body, *end;

	assert_non_null(h);
	body = strstr(h, "\r\n\r\n");
	assert_non_null(body);
	body += 4;
	snprintf(delim, sizeof(delim), "\r\n--%s", boundary);
	end = strstr(body, delim);
	assert_non_null(end);
	*len = (size_t)(end - body);
	return body;
}

static void boundary_of(const char *ctype, char *out, size_t n)
{
	const char *b = strstr(ctype, "boundary=\"");
	const char *end;

	assert_non_null(b);
	b += 10;
	end = strchr(b, '"');
	assert_non_null(end);
	snprintf(out, n, "%.*s", (int)(end - b), b);
}

static size_t count(const char *hay, const char *needle)
{
	size_t k = 0;
	const char *p = hay;

	while ((p = strstr(p, needle))) {
		k++;
		p += strlen(needle);
	}
	return k;
}

static void test_headers(void **state)
{
	struct mail_msg m = sample();
	char *msg = build(&m), v[1024], d[1024];

	(void)state;
	assert_lines(msg);
	header(msg, "From", v, sizeof(v));
	assert_string_equal(v, "\"Salon \\\"Schnitt\\\" Berlin\" <bookings@salon.example>");
	header(msg, "To", v, sizeof(v));
	assert_non_null(strstr(v, "=?UTF-8?B?"));
	assert_non_null(strstr(v, " <juergen@example.com>"));
	decode_words(v, d, sizeof(d));
	assert_string_equal(d, "Jürgen Müller <juergen@example.com>");
	header(msg, "Subject", v, sizeof(v));
	decode_words(v, d, sizeof(d));
	assert_string_equal(d, m.subject);
	header(msg, "Date", v, sizeof(v));
	assert_string_equal(v, "Mon, 14 Dec 2026 14:30:00 +0000");
	header(msg, "Message-ID", v, sizeof(v));
	assert_string_equal(v, "<abc123@slotd.example>");
	header(msg, "MIME-Version", v, sizeof(v));
	assert_string_equal(v, "1.0");
	header(msg, "Auto-Submitted", v, sizeof(v));
	assert_string_equal(v, "auto-generated");
	free(msg);
}

static void test_structure_with_invitation(void **state)
{
	struct mail_msg m = sample();
	char *msg = build(&m), ctype[512], mixed[64], alt[64], *dec;
	const char *alt_hdr, *body;
	size_t len;

	(void)state;
	header(msg, "Content-Type", ctype, sizeof(ctype));
	assert_non_null(strstr(ctype, "multipart/mixed;"));
	boundary_of(ctype, mixed, sizeof(mixed));
	alt_hdr = strstr(msg, "Content-Type: multipart/alternative;");
	assert_non_null(alt_hdr);
	boundary_of(alt_hdr, alt, sizeof(alt));
	assert_string_not_equal(mixed, alt);

	/* mixed: opening, one between the parts, closing; alternative: three parts. */
	{
		char open[80], close[80];
		snprintf(open, sizeof(open), "\r\n--%s\r\n", mixed);
		snprintf(close, sizeof(close), "\r\n--%s--\r\n", mixed);
		assert_int_equal(count(msg, open), 2);
		assert_int_equal(count(msg, close), 1);
		snprintf(open, sizeof(open), "\r\n--%s\r\n", alt);
		snprintf(close, sizeof(close), "\r\n--%s--\r\n", alt);
		assert_int_equal(count(msg, open), 3);
		assert_int_equal(count(msg, close), 1);
		/* The alternative closes before the attachment starts. */
		assert_true(strstr(msg, close) < strstr(msg, "invite.ics"));
	}

	body = part_body(msg, "Content-Type: text/plain; charset=utf-8", alt, &len);
	assert_non_null(strstr(msg, "Content-Transfer-Encoding: quoted-printable"));
	dec = qp_decode(body, len);
	assert_string_equal(dec, TEXT);
	free(dec);
	/* A leading dot and a trailing space are encoded, so no transport alters them. */
	assert_non_null(strstr(body, "\r\n=2Eleading dot"));
	assert_non_null(strstr(body, "trailing space=20\r\n"));

	body = part_body(msg, "Content-Type: text/html; charset=utf-8", alt, &len);
	dec = qp_decode(body, len);
	assert_string_equal(dec, HTML);
	free(dec);

	body = part_body(msg, "Content-Type: text/calendar; charset=utf-8; method=REQUEST", alt,
			 &len);
	dec = b64_decode(body, len);
	assert_string_equal(dec, ICS);
	free(dec);

	assert_non_null(strstr(msg, "Content-Type: application/ics; name=\"invite.ics\"\r\n"));
	assert_non_null(
		strstr(msg, "Content-Disposition: attachment; filename=\"invite.ics\"\r\n"));
	body = part_body(msg, "Content-Disposition: attachment", mixed, &len);
	dec = b64_decode(body, len);
	assert_string_equal(dec, ICS);
	free(dec);
	free(msg);
}

static void test_structure_without_invitation(void **state)
{
	struct mail_msg m = sample();
	char *msg, ctype[512], alt[64];

	(void)state;
	m.ics = NULL;
	m.ics_method = NULL;
	msg = build(&m);
	header(msg, "Content-Type", ctype, sizeof(ctype));
	assert_non_null(strstr(ctype, "multipart/alternative;"));
	boundary_of(ctype, alt, sizeof(alt));
	assert_null(strstr(msg, "multipart/mixed"));
	assert_null(strstr(msg, "text/calendar"));
	assert_null(strstr(msg, "invite.ics"));
	assert_non_null(strstr(msg, "Content-Type: text/plain; charset=utf-8"));
	assert_non_null(strstr(msg, "Content-Type: text/html; charset=utf-8"));
	free(msg);
}

static void test_long_text_lines_are_soft_broken(void **state)
{
	struct mail_msg m = sample();
	char text[3001], *msg, alt[64], *dec;
	const char *body;
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(text) - 1; i++)
		text[i] = i % 3 == 0 ? 'a' : (i % 3 == 1 ? '\xc3' : '\xa4'); /* a, ä */
	text[sizeof(text) - 1] = '\0';
	m.text = text;
	m.ics = NULL;
	msg = build(&m);
	assert_lines(msg);
	boundary_of(strstr(msg, "multipart/alternative"), alt, sizeof(alt));
	body = part_body(msg, "text/plain", alt, &len);
	{
		const char *p = body, *nl;
		while ((nl = strstr(p, "\r\n")) && nl < body + len) {
			assert_true(nl - p <= 76);
			p = nl + 2;
		}
	}
	dec = qp_decode(body, len);
	assert_string_equal(dec, text);
	free(dec);
	free(msg);
}

static void test_ascii_subject_stays_plain(void **state)
{
	struct mail_msg m = sample();
	char *msg, v[256];

	(void)state;
	m.subject = "Booking confirmed: Haircut";
	m.to_name = NULL;
	msg = build(&m);
	header(msg, "Subject", v, sizeof(v));
	assert_string_equal(v, "Booking confirmed: Haircut");
	header(msg, "To", v, sizeof(v));
	assert_string_equal(v, "<juergen@example.com>");
	free(msg);
}

static void assert_refused(struct mail_msg m)
{
	struct buf b;
	struct err e;

	buf_init(&b, BUF_DEFAULT_LIMIT);
	err_init(&e);
	assert_int_equal(mime_build(&m, &b, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	buf_release(&b);
}

static void test_header_injection_is_refused(void **state)
{
	struct mail_msg m;

	(void)state;
	m = sample();
	m.subject = "Hi\r\nBcc: x@evil.example";
	assert_refused(m);
	m = sample();
	m.subject = "Hi\nthere";
	assert_refused(m);
	m = sample();
	m.to_name = "Eve\r\nBcc: x@evil.example";
	assert_refused(m);
	m = sample();
	m.from_name = "Eve\n";
	assert_refused(m);
	m = sample();
	m.to = "a@b.example>\r\nBcc: x@evil.example";
	assert_refused(m);
	m = sample();
	m.to = "a@b.example, c@d.example";
	assert_refused(m);
	m = sample();
	m.message_id = "<a@b>\r\nX: y";
	assert_refused(m);
	m = sample();
	m.ics_method = "REQUEST\r\nX: y";
	assert_refused(m);
	m = sample();
	m.to = "";
	assert_refused(m);
}

static void test_message_id(void **state)
{
	char a[128], b[128];

	(void)state;
	mime_message_id(a, sizeof(a), "slotd.example");
	mime_message_id(b, sizeof(b), "slotd.example");
	assert_int_equal(strlen(a), 1 + 32 + 1 + strlen("slotd.example") + 1);
	assert_int_equal(a[0], '<');
	assert_non_null(strstr(a, "@slotd.example>"));
	assert_string_not_equal(a, b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_headers),
		cmocka_unit_test(test_structure_with_invitation),
		cmocka_unit_test(test_structure_without_invitation),
		cmocka_unit_test(test_long_text_lines_are_soft_broken),
		cmocka_unit_test(test_ascii_subject_stays_plain),
		cmocka_unit_test(test_header_injection_is_refused),
		cmocka_unit_test(test_message_id),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
