#include "core/ssrf.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "util/err.h"

/* IPv4 ranges beyond the brief's list that are never a webhook receiver: documentation
 * (RFC 5737) and benchmarking (RFC 2544) networks are RESERVED. */
static enum addr_class classify_v4(uint32_t a)
{
	if ((a >> 24) == 0)
		return ADDR_UNSPECIFIED;
	if ((a >> 24) == 127)
		return ADDR_LOOPBACK;
	if ((a >> 24) == 10 || (a >> 20) == 0xac1 || (a >> 16) == 0xc0a8)
		return ADDR_PRIVATE;
	if ((a >> 16) == 0xa9fe)
		return ADDR_LINK_LOCAL;
	if ((a >> 22) == (100u << 2 | 1))
		return ADDR_CGNAT;
	if ((a >> 28) == 0xe)
		return ADDR_MULTICAST;
	if ((a >> 28) == 0xf)
		return ADDR_RESERVED;	/* 240/4, 255.255.255.255 included */
	if ((a >> 8) == 0xc00002 || (a >> 8) == 0xc63364 || (a >> 8) == 0xcb0071 ||
	    (a >> 17) == (0xc612 >> 1))
		return ADDR_RESERVED;
	return ADDR_PUBLIC;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* IPv6 forms that carry an IPv4 address (mapped, compatible, NAT64, 6to4, Teredo) are
 * ADDR_MAPPED: what they reach depends on translators we cannot see. */
static enum addr_class classify_v6(const uint8_t *b)
{
	static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
	static const uint8_t nat64[12] = { 0, 0x64, 0xff, 0x9b };

	if (all_zero(b, 15))
		return b[15] == 0 ? ADDR_UNSPECIFIED : b[15] == 1 ? ADDR_LOOPBACK : ADDR_MAPPED;
	if (memcmp(b, mapped, 12) == 0 || memcmp(b, nat64, 12) == 0 || all_zero(b, 12))
		return ADDR_MAPPED;
	if (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0 &&
	    b[5] == 1)
		return ADDR_MAPPED;	/* 64:ff9b:1::/48, local-use NAT64 */
	if ((b[0] == 0x20 && b[1] == 0x02) || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 &&
					       b[3] == 0))
		return ADDR_MAPPED;	/* 2002::/16 6to4, 2001::/32 Teredo */
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
		return ADDR_LINK_LOCAL;
	if (b[0] == 0xfe && (b[1] & 0xc0) == 0xc0)
		return ADDR_PRIVATE;	/* fec0::/10, deprecated site-local */
	if ((b[0] & 0xfe) == 0xfc)
		return ADDR_ULA;
	if (b[0] == 0xff)
		return ADDR_MULTICAST;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)
		return ADDR_RESERVED;	/* documentation */
	if (b[0] == 0x01 && b[1] == 0 && all_zero(b + 2, 6))
		return ADDR_RESERVED;	/* 100::/64, discard-only */
	if (b[0] == 0)
		return ADDR_RESERVED;	/* rest of ::/8 */
	return ADDR_PUBLIC;
}

enum addr_class addr_classify(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
		return classify_v4(ntohl(in->sin_addr.s_addr));
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
		return classify_v6(in6->sin6_addr.s6_addr);
	}
	return ADDR_RESERVED;
}

static const char *const class_names[] = {
	[ADDR_PUBLIC] = "public",
	[ADDR_LOOPBACK] = "loopback",
	[ADDR_PRIVATE] = "private",
	[ADDR_LINK_LOCAL] = "link-local",
	[ADDR_CGNAT] = "CGNAT",
	[ADDR_ULA] = "unique local",
	[ADDR_MAPPED] = "IPv4-mapped",
	[ADDR_UNSPECIFIED] = "unspecified",
	[ADDR_MULTICAST] = "multicast",
	[ADDR_RESERVED] = "reserved",
};

const char *addr_class_name(enum addr_class c)
{
	if ((size_t)c >= sizeof(class_names) / sizeof(class_names[0]))
		return "reserved";
	return class_names[c];
}

/* "an" before the names read with a leading vowel sound. */
const char *addr_class_article(enum addr_class c)
{
	return c == ADDR_UNSPECIFIED || c == ADDR_MAPPED ? "an" : "a";
}

static bool is_alpha(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static char lower(char c)
{
	return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Letters, digits, '-', '_' and '.' (no empty label), at most 253 characters. */
static bool host_name_ok(const char *h, size_t len)
{
	size_t i;

	if (len == 0 || len > 253 || h[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char c = h[i];
		if (c == '.' && i + 1 < len && h[i + 1] == '.')
			return false;
		if (!is_alpha(c) && !is_digit(c) && c != '-' && c != '_' && c != '.')
			return false;
	}
	return true;
}

/* True when the last label (a trailing dot aside) is numeric or hexadecimal-looking: no
 * top-level domain is, so the host is meant as an IPv4 address in one of the forms
 * inet_aton accepts ("127.1", "2130706433", "0x7f.0.0.1"). Only dotted quads are taken. */
static bool looks_numeric(const char *h, size_t len)
{
	size_t end = len, start;

	if (end && h[end - 1] == '.')
		end--;
	start = end;
	while (start > 0 && h[start - 1] != '.')
		start--;
	if (start == end)
		return false;
	if (end - start > 2 && h[start] == '0' && lower(h[start + 1]) == 'x')
		return true;
	for (; start < end; start++)
		if (!is_digit(h[start]))
			return false;
	return true;
}

static int parse_port(const char *p, size_t len, unsigned *port, struct err *e)
{
	unsigned v = 0;
	size_t i;

	if (len == 0)
		return err_field(e, "/url", "has an empty port");
	if (len > 5)
		return err_field(e, "/url", "has a port outside 1 to 65535");
	for (i = 0; i < len; i++) {
		if (!is_digit(p[i]))
			return err_field(e, "/url", "has a port that is not a number");
		v = v * 10 + (unsigned)(p[i] - '0');
	}
	if (v < 1 || v > 65535)
		return err_field(e, "/url", "has a port outside 1 to 65535");
	*port = v;
	return 0;
}

static int parse_host(const char *h, size_t len, struct url_target *out, struct err *e)
{
	struct in_addr a4;
	struct in6_addr a6;
	char tmp[256];
	size_t i;

	if (len >= sizeof(tmp))
		return err_field(e, "/url", "has a host name that is too long");
	if (h[0] == '[') {
		if (len < 3 || h[len - 1] != ']')
			return err_field(e, "/url", "has an IPv6 address without its closing bracket");
		memcpy(tmp, h + 1, len - 2);
		tmp[len - 2] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) != 1)
			return err_field(e, "/url", "has an invalid IPv6 address");
		inet_ntop(AF_INET6, &a6, out->host, sizeof(out->host));
		memcpy(out->ip, out->host, strlen(out->host) + 1);
		out->ip_literal = true;
		return 0;
	}
	for (i = 0; i < len; i++)
		tmp[i] = lower(h[i]);
	tmp[len] = '\0';
	if (inet_pton(AF_INET, tmp, &a4) == 1) {
		inet_ntop(AF_INET, &a4, out->host, sizeof(out->host));
		memcpy(out->ip, out->host, strlen(out->host) + 1);
		out->ip_literal = true;
		return 0;
	}
	if (!host_name_ok(tmp, len))
		return err_field(e, "/url", "has an invalid host name");
	if (looks_numeric(tmp, len))
		return err_field(e, "/url", "has an invalid IPv4 address");
	memcpy(out->host, tmp, len + 1);
	return 0;
}

int url_target_parse(const char *url, struct url_target *out, struct err *e)
{
	const char *p, *auth, *auth_end, *host_end;
	size_t len, i;

	memset(out, 0, sizeof(*out));
	if (!url || !*url)
		return err_field(e, "/url", "is required");
	len = strlen(url);
	if (len > URL_MAX)
		return err_field(e, "/url", "is longer than %d characters", URL_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)url[i];
		if (c <= ' ' || c >= 0x7f)
			return err_field(e, "/url",
					 "holds a space, a control or a non-ASCII character");
	}
	if (strchr(url, '#'))
		return err_field(e, "/url", "has a fragment");
	p = strstr(url, "://");
	if (!p || p - url >= (ptrdiff_t)sizeof(out->scheme))
		return err_field(e, "/url", "must start with http:// or https://");
	for (i = 0; url + i < p; i++)
		out->scheme[i] = lower(url[i]);
	out->scheme[i] = '\0';
	if (strcmp(out->scheme, "http") == 0)
		out->port = 80;
	else if (strcmp(out->scheme, "https") == 0)
		out->port = 443;
	else
		return err_field(e, "/url", "must start with http:// or https://");
	auth = p + 3;
	auth_end = auth + strcspn(auth, "/?");
	if (memchr(auth, '@', (size_t)(auth_end - auth)))
		return err_field(e, "/url", "must not hold a user name or password");
	if (auth == auth_end)
		return err_field(e, "/url", "has no host");
	if (*auth == '[') {
		const char *close = memchr(auth, ']', (size_t)(auth_end - auth));
		if (!close)
			return err_field(e, "/url", "has an IPv6 address without its closing bracket");
		host_end = close + 1;
		if (host_end != auth_end && *host_end != ':')
			return err_field(e, "/url", "has an invalid host");
	} else {
		host_end = memchr(auth, ':', (size_t)(auth_end - auth));
		if (!host_end)
			host_end = auth_end;
	}
	if (host_end == auth)
		return err_field(e, "/url", "has no host");
	if (parse_host(auth, (size_t)(host_end - auth), out, e) < 0)
		return -1;
	if (host_end != auth_end &&
	    parse_port(host_end + 1, (size_t)(auth_end - host_end - 1), &out->port, e) < 0)
		return -1;
	return 0;
}

int url_target_resolve(struct url_target *t, bool allow_private, struct err *e)
{
	struct addrinfo hints, *res = NULL, *ai;
	char first[sizeof(t->ip)] = "";
	int rc;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = t->ip_literal ? AI_NUMERICHOST : 0;
	rc = getaddrinfo(t->host, NULL, &hints, &res);
	if (rc != 0 || !res) {
		if (res)
			freeaddrinfo(res);
		return err_field(e, "/url", "does not resolve");
	}
	for (ai = res; ai; ai = ai->ai_next) {
		enum addr_class c;
		const void *bin;

		if (ai->ai_family == AF_INET)
			bin = &((const struct sockaddr_in *)ai->ai_addr)->sin_addr;
		else if (ai->ai_family == AF_INET6)
			bin = &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr;
		else
			continue;
		c = addr_classify(ai->ai_addr);
		if (c != ADDR_PUBLIC && !allow_private) {
			freeaddrinfo(res);
			return err_field(e, "/url", "resolves to %s %s address", addr_class_article(c),
					 addr_class_name(c));
		}
		if (!*first)
			inet_ntop(ai->ai_family, bin, first, sizeof(first));
	}
	freeaddrinfo(res);
	if (!*first)
		return err_field(e, "/url", "does not resolve");
	memcpy(t->ip, first, sizeof(first));
	return 0;
}
