/* Webhook URL checks against server-side request forgery: the URL's syntax, and the class
 * of every address its host resolves to (at registration). At each attempt the worker
 * classifies the very address libcurl is about to connect to (addr_classify, from its
 * open-socket callback), so a name that rebinds cannot switch it.
 * No I/O except name resolution (url_target_resolve). Thread-safe. */
#ifndef SLOTD_CORE_SSRF_H
#define SLOTD_CORE_SSRF_H

#include <stdbool.h>
#include <stddef.h>

#include "util/err.h"

struct sockaddr;

#define URL_MAX 2048	/* longest webhook URL accepted */

/* Where an address points. Only ADDR_PUBLIC may be reached unless private targets are
 * allowed. IPv4-mapped IPv6 (::ffff:0:0/96) and NAT64 (64:ff9b::/96) are ADDR_MAPPED
 * whatever the embedded IPv4 address, since a socket may reach either family through them. */
enum addr_class {
	ADDR_PUBLIC = 0,
	ADDR_LOOPBACK,		/* 127/8, ::1 */
	ADDR_PRIVATE,		/* 10/8, 172.16/12, 192.168/16 */
	ADDR_LINK_LOCAL,	/* 169.254/16, fe80::/10 */
	ADDR_CGNAT,		/* 100.64/10 */
	ADDR_ULA,		/* fc00::/7 */
	ADDR_MAPPED,		/* ::ffff:0:0/96, 64:ff9b::/96 */
	ADDR_UNSPECIFIED,	/* 0/8, :: */
	ADDR_MULTICAST,		/* 224/4, ff00::/8 */
	ADDR_RESERVED,		/* 240/4, 255.255.255.255, 2001:db8::/32, other families */
};

/* The class of an AF_INET or AF_INET6 address; other families are ADDR_RESERVED. */
enum addr_class addr_classify(const struct sockaddr *sa);

/* Lower-case words for messages: "public", "loopback", "private", "link-local", "CGNAT",
 * "unique local", "IPv4-mapped", "unspecified", "multicast", "reserved". Static storage. */
const char *addr_class_name(enum addr_class c);
/* The article before the name: "a" or "an". */
const char *addr_class_article(enum addr_class c);

struct url_target {
	char scheme[8];		/* "http" or "https", lower case */
	char host[256];		/* name or IP literal, IPv6 without brackets */
	unsigned port;		/* explicit, or 80 / 443 */
	char ip[46];		/* after url_target_resolve: the first address, as text */
	bool ip_literal;	/* host is an IPv4 or IPv6 literal */
};

/* Parses an absolute http or https URL (scheme case-insensitive) into *out: a host is
 * required (IPv6 literals in brackets), no userinfo, no fragment, port 1..65535, at most
 * URL_MAX bytes, no whitespace or control characters. For an IP literal, out->ip is set
 * to it. Errors: ERR_INVALID at field "/url". */
int url_target_parse(const char *url, struct url_target *out, struct err *e);

/* Resolves t->host once (both families) and checks every address: each must be
 * ADDR_PUBLIC unless allow_private. On success t->ip holds the first address as text
 * (IPv6 without brackets). Errors: ERR_INVALID at "/url", "does not resolve" or
 * "resolves to a <class> address". Blocks for the resolver's time. */
int url_target_resolve(struct url_target *t, bool allow_private, struct err *e);

#endif
