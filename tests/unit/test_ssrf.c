/* Unit tests for core/ssrf: address classes, URL syntax, and resolve-once checks. Only IP
 * literals and "localhost" (from /etc/hosts) are resolved, so no test needs a network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <arpa/inet.h>
#include <cmocka.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "core/ssrf.h"

static enum addr_class classify_text(const char *ip)
{
	struct sockaddr_storage ss;

	memset(&ss, 0, sizeof(ss));
	if (strchr(ip, ':')) {
		struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
		in6->sin6_family = AF_INET6;
		assert_int_equal(inet_pton(AF_INET6, ip, &in6->sin6_addr), 1);
	} else {
		struct sockaddr_in *in = (struct sockaddr_in *)&ss;
		in->sin_family = AF_INET;
		assert_int_equal(inet_pton(AF_INET, ip, &in->sin_addr), 1);
	}
	return addr_classify((const struct sockaddr *)&ss);
}

static void test_address_classes(void **state)
{
	static const struct {
		const char *ip;
		enum addr_class c;
	} cases[] = {
		{ "127.0.0.1", ADDR_LOOPBACK },
		{ "127.255.255.254", ADDR_LOOPBACK },
		{ "::1", ADDR_LOOPBACK },
		{ "10.1.2.3", ADDR_PRIVATE },
		{ "172.16.0.1", ADDR_PRIVATE },
		{ "172.31.255.255", ADDR_PRIVATE },
		{ "172.32.0.1", ADDR_PUBLIC },
		{ "172.15.255.255", ADDR_PUBLIC },
		{ "192.168.1.1", ADDR_PRIVATE },
		{ "192.169.0.1", ADDR_PUBLIC },
		{ "169.254.169.254", ADDR_LINK_LOCAL },
		{ "fe80::1", ADDR_LINK_LOCAL },
		{ "febf::1", ADDR_LINK_LOCAL },
		{ "100.64.0.1", ADDR_CGNAT },
		{ "100.127.255.255", ADDR_CGNAT },
		{ "100.128.0.1", ADDR_PUBLIC },
		{ "100.63.255.255", ADDR_PUBLIC },
		{ "fc00::1", ADDR_ULA },
		{ "fd12::1", ADDR_ULA },
		{ "::ffff:127.0.0.1", ADDR_MAPPED },
		{ "::ffff:8.8.8.8", ADDR_MAPPED },
		{ "64:ff9b::7f00:1", ADDR_MAPPED },
		{ "0.0.0.0", ADDR_UNSPECIFIED },
		{ "0.1.2.3", ADDR_UNSPECIFIED },
		{ "::", ADDR_UNSPECIFIED },
		{ "224.0.0.1", ADDR_MULTICAST },
		{ "239.255.255.250", ADDR_MULTICAST },
		{ "ff02::1", ADDR_MULTICAST },
		{ "255.255.255.255", ADDR_RESERVED },
		{ "240.0.0.1", ADDR_RESERVED },
		{ "2001:db8::1", ADDR_RESERVED },
		{ "192.0.2.1", ADDR_RESERVED },
		{ "8.8.8.8", ADDR_PUBLIC },
		{ "1.1.1.1", ADDR_PUBLIC },
		{ "2606:4700::1111", ADDR_PUBLIC },
		{ "2a00:1450:4001:80e::200e", ADDR_PUBLIC },
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum addr_class got = classify_text(cases[i].ip);
		if (got != cases[i].c)
			fail_msg("%s: %s, expected %s", cases[i].ip, addr_class_name(got),
				 addr_class_name(cases[i].c));
	}
}

static void test_class_names(void **state)
{
	(void)state;
	assert_string_equal(addr_class_name(ADDR_LOOPBACK), "loopback");
	assert_string_equal(addr_class_name(ADDR_PRIVATE), "private");
	assert_string_equal(addr_class_name(ADDR_LINK_LOCAL), "link-local");
	assert_string_equal(addr_class_name(ADDR_CGNAT), "CGNAT");
	assert_string_equal(addr_class_name(ADDR_ULA), "unique local");
	assert_string_equal(addr_class_name(ADDR_MAPPED), "IPv4-mapped");
	assert_string_equal(addr_class_name(ADDR_UNSPECIFIED), "unspecified");
	assert_string_equal(addr_class_name(ADDR_MULTICAST), "multicast");
	assert_string_equal(addr_class_name(ADDR_RESERVED), "reserved");
}

/* Parses url and, when it parses, resolves it; returns the first field message or "". */
static const char *check_url(const char *url, bool allow_private, struct url_target *t,
			     struct err *e)
{
	err_init(e);
	if (url_target_parse(url, t, e) == 0 && url_target_resolve(t, allow_private, e) == 0)
		return "";
	assert_int_equal(e->code, ERR_INVALID);
	assert_true(e->nfields >= 1);
	assert_string_equal(e->fields[0].pointer, "/url");
	return e->fields[0].message;
}

static void test_url_table(void **state)
{
	static const struct {
		const char *url, *message;
	} cases[] = {
		{ "http://127.0.0.1/hook", "resolves to a loopback address" },
		{ "http://[::1]/hook", "resolves to a loopback address" },
		{ "http://10.1.2.3/", "resolves to a private address" },
		{ "http://172.16.0.1/", "resolves to a private address" },
		{ "http://172.31.255.255/", "resolves to a private address" },
		{ "http://172.32.0.1/", "" },
		{ "http://192.168.1.1:8080/x", "resolves to a private address" },
		{ "http://169.254.169.254/latest/meta-data", "resolves to a link-local address" },
		{ "http://100.64.0.1/", "resolves to a CGNAT address" },
		{ "https://[fc00::1]/", "resolves to a unique local address" },
		{ "https://[fd12::1]/", "resolves to a unique local address" },
		{ "http://[::ffff:127.0.0.1]/", "resolves to an IPv4-mapped address" },
		{ "http://[::ffff:8.8.8.8]/", "resolves to an IPv4-mapped address" },
		{ "http://0.0.0.0/", "resolves to an unspecified address" },
		{ "http://[::]/", "resolves to an unspecified address" },
		{ "http://localhost/hook", "resolves to a loopback address" },
		{ "http://LOCALHOST:9000/hook", "resolves to a loopback address" },
		{ "http://8.8.8.8/", "" },
		{ "https://[2606:4700::1111]/hook?x=1", "" },
		{ "HTTPS://8.8.8.8:8443", "" },
		{ "ftp://x/", "must start with http:// or https://" },
		{ "x", "must start with http:// or https://" },
		{ "http://user@host/", "must not hold a user name or password" },
		{ "http://user:pw@8.8.8.8/", "must not hold a user name or password" },
		{ "http://host:0/", "has a port outside 1 to 65535" },
		{ "http://host:70000/", "has a port outside 1 to 65535" },
		{ "http://host:/", "has an empty port" },
		{ "http://host:8a/", "has a port that is not a number" },
		{ "http:///path", "has no host" },
		{ "http://", "has no host" },
		{ "http://host/a#frag", "has a fragment" },
		{ "http://host/a b", "holds a space, a control or a non-ASCII character" },
		{ "http://host/\t", "holds a space, a control or a non-ASCII character" },
		{ "http://[::1/", "has an IPv6 address without its closing bracket" },
		{ "http://[zz::1]/", "has an invalid IPv6 address" },
		{ "http://[::1]x/", "has an invalid host" },
		{ "http://ho$t/", "has an invalid host name" },
		{ "http://127.1/", "has an invalid IPv4 address" },
		{ "http://2130706433/", "has an invalid IPv4 address" },
		{ "http://0x7f.0.0.1/", "has an invalid IPv4 address" },
		{ "http://does-not-exist.invalid/", "does not resolve" },
		{ "", "is required" },
	};
	struct url_target t;
	struct err e;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *got = check_url(cases[i].url, false, &t, &e);
		if (strcmp(got, cases[i].message) != 0)
			fail_msg("%s: \"%s\", expected \"%s\"", cases[i].url, got,
				 cases[i].message);
	}
}

static void test_parse_fields(void **state)
{
	struct url_target t;
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(url_target_parse("HTTPS://Example.COM/a?b=1", &t, &e), 0);
	assert_string_equal(t.scheme, "https");
	assert_string_equal(t.host, "example.com");
	assert_int_equal(t.port, 443);
	assert_false(t.ip_literal);
	assert_int_equal(url_target_parse("http://example.com:8080", &t, &e), 0);
	assert_string_equal(t.scheme, "http");
	assert_int_equal(t.port, 8080);
	assert_int_equal(url_target_parse("http://[2606:4700:0::1111]:65535/", &t, &e), 0);
	assert_string_equal(t.host, "2606:4700::1111");
	assert_string_equal(t.ip, "2606:4700::1111");
	assert_int_equal(t.port, 65535);
	assert_true(t.ip_literal);
	assert_int_equal(url_target_parse("http://8.8.4.4", &t, &e), 0);
	assert_string_equal(t.ip, "8.8.4.4");
	assert_int_equal(t.port, 80);
	assert_int_equal(e.code, ERR_OK);
}

static void test_length_limit(void **state)
{
	char url[URL_MAX + 2];
	struct url_target t;
	struct err e;
	size_t pre = strlen("http://8.8.8.8/");

	(void)state;
	memcpy(url, "http://8.8.8.8/", pre);
	memset(url + pre, 'a', URL_MAX - pre);
	url[URL_MAX] = '\0';
	err_init(&e);
	assert_int_equal(url_target_parse(url, &t, &e), 0);
	url[URL_MAX] = 'a';
	url[URL_MAX + 1] = '\0';
	assert_int_equal(url_target_parse(url, &t, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
}

static void test_allow_private_lifts_the_check(void **state)
{
	struct url_target t;
	struct err e;

	(void)state;
	assert_string_equal(check_url("http://127.0.0.1:8080/", true, &t, &e), "");
	assert_string_equal(t.ip, "127.0.0.1");
	assert_string_equal(check_url("http://[::1]/", true, &t, &e), "");
	assert_string_equal(t.ip, "::1");
	assert_string_equal(check_url("http://localhost/", true, &t, &e), "");
	assert_true(strcmp(t.ip, "127.0.0.1") == 0 || strcmp(t.ip, "::1") == 0);
}

static void test_resolved_public_literal_keeps_its_address(void **state)
{
	struct url_target t;
	struct err e;

	(void)state;
	assert_string_equal(check_url("https://[2606:4700::1111]/", false, &t, &e), "");
	assert_string_equal(t.ip, "2606:4700::1111");
	assert_string_equal(check_url("http://1.1.1.1/", false, &t, &e), "");
	assert_string_equal(t.ip, "1.1.1.1");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_address_classes),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_url_table),
		cmocka_unit_test(test_parse_fields),
		cmocka_unit_test(test_length_limit),
		cmocka_unit_test(test_allow_private_lifts_the_check),
		cmocka_unit_test(test_resolved_public_literal_keeps_its_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
