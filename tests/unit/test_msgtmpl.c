/* Unit tests for core/msgtmpl: the template syntax, checks, escaping, the built-in
 * templates of every mailing type and locale, and the locale words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "core/msgtmpl.h"

static char *render(const char *text, const struct tmpl_val *vals, size_t n, bool html)
{
	static char out[65536];
	struct buf b;

	buf_init(&b, BUF_DEFAULT_LIMIT);
	tmpl_render(text, vals, n, html, &b);
	assert_false(b.failed);
	snprintf(out, sizeof(out), "%s", b.ptr ? b.ptr : "");
	buf_release(&b);
	return out;
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* ---- rendering ---- */

static void test_substitution(void **state)
{
	const struct tmpl_val v[] = { { "customer_name", "Ann" }, { "date", "Monday" } };

	(void)state;
	assert_string_equal(render("Hi {{customer_name}}, see you {{date}}.", v, N(v), false),
			    "Hi Ann, see you Monday.");
	assert_string_equal(render("{{customer_name}}{{customer_name}}", v, N(v), false),
			    "AnnAnn");
	assert_string_equal(render("no tags", v, N(v), false), "no tags");
	assert_string_equal(render("", v, N(v), false), "");
}

static void test_missing_and_null_values_are_empty(void **state)
{
	const struct tmpl_val v[] = { { "notes", NULL } };

	(void)state;
	assert_string_equal(render("[{{notes}}][{{reason}}]", v, N(v), false), "[][]");
	assert_string_equal(render("[{{reason}}]", NULL, 0, false), "[]");
}

static void test_sections(void **state)
{
	const struct tmpl_val v[] = { { "fee", "5 EUR" }, { "reason", "" } };

	(void)state;
	assert_string_equal(render("a{{#fee}} fee {{fee}}{{/fee}}b", v, N(v), false),
			    "a fee 5 EURb");
	assert_string_equal(render("a{{#reason}} why {{reason}}{{/reason}}b", v, N(v), false),
			    "ab");
	assert_string_equal(render("a{{#notes}}x{{/notes}}b", v, N(v), false), "ab");
	assert_string_equal(render("{{^reason}}none{{/reason}}{{^fee}}free{{/fee}}", v, N(v),
				   false),
			    "none");
}

static void test_nested_sections(void **state)
{
	const struct tmpl_val v[] = { { "to_customer", "yes" }, { "is_pending", "yes" },
				      { "fee", "" } };

	(void)state;
	assert_string_equal(render("{{#to_customer}}C{{#is_pending}}P{{/is_pending}}"
				   "{{^is_pending}}F{{/is_pending}}{{/to_customer}}"
				   "{{#to_provider}}X{{#is_pending}}Y{{/is_pending}}{{/to_provider}}",
				   v, N(v), false),
			    "CP");
	/* Inside a hidden section nothing shows, an inverted one included. */
	assert_string_equal(render("{{#fee}}{{^reason}}R{{/reason}}{{/fee}}.", v, N(v), false),
			    ".");
	/* The same name nested in itself. */
	assert_string_equal(render("{{#fee}}a{{#fee}}b{{/fee}}c{{/fee}}d", v, N(v), false), "d");
}

static void test_html_escapes_values_not_the_template(void **state)
{
	const struct tmpl_val v[] = { { "customer_name", "<b>Tom & \"Jerry\" O'Neil</b>" } };

	(void)state;
	assert_string_equal(render("<p class=\"x\">{{customer_name}} &amp;</p>", v, N(v), true),
			    "<p class=\"x\">&lt;b&gt;Tom &amp; &quot;Jerry&quot; O&#39;Neil&lt;/b&gt;"
			    " &amp;</p>");
	assert_string_equal(render("{{customer_name}}", v, N(v), false),
			    "<b>Tom & \"Jerry\" O'Neil</b>");
}

static void test_values_are_not_expanded_again(void **state)
{
	const struct tmpl_val v[] = { { "notes", "{{customer_name}}" }, { "customer_name", "A" } };

	(void)state;
	assert_string_equal(render("{{notes}}", v, N(v), false), "{{customer_name}}");
}

static void test_other_braces_are_plain_text(void **state)
{
	(void)state;
	assert_string_equal(render("{{ notes }} {{Notes}} {x} {{{notes}}} }}", NULL, 0, false),
			    "{{ notes }} {{Notes}} {x} {} }}");
}

/* ---- checks ---- */

static void assert_check_fails(const char *text, const char *needle)
{
	struct err e;

	err_init(&e);
	assert_int_equal(tmpl_check(text, &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	if (!strstr(e.message, needle))
		fail_msg("\"%s\": message \"%s\" lacks \"%s\"", text, e.message, needle);
}

static void test_check_accepts_good_templates(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(tmpl_check("Hi {{customer_name}}{{#fee}} ({{fee}}){{/fee}}"
				    "{{^notes}}-{{/notes}} {single} }}",
				    &e),
			 0);
	assert_int_equal(tmpl_check("", &e), 0);
	assert_int_equal(e.code, ERR_OK);
}

static void test_check_unknown_variable(void **state)
{
	(void)state;
	assert_check_fails("Hi {{nmae}}", "unknown variable \"nmae\"");
	assert_check_fails("{{#bogus}}x{{/bogus}}", "unknown variable \"bogus\"");
}

static void test_check_unbalanced_sections(void **state)
{
	(void)state;
	assert_check_fails("{{#fee}}x", "section \"fee\" open");
	assert_check_fails("x{{/fee}}", "closes section \"fee\" that is not open");
	assert_check_fails("{{#fee}}{{#notes}}x{{/fee}}{{/notes}}",
			   "closes section \"notes\" with \"fee\"");
	assert_check_fails("{{^fee}}x{{/notes}}", "closes section \"fee\" with \"notes\"");
}

static void test_check_malformed_tags(void **state)
{
	(void)state;
	assert_check_fails("{{ fee }}", "malformed tag \"{{ fee }}\"");
	assert_check_fails("{{Fee}}", "malformed tag");
	assert_check_fails("{{fee}", "malformed tag");
	assert_check_fails("{{&fee}}", "malformed tag");
}

static void test_check_depth(void **state)
{
	char text[512] = "", close[512] = "";
	struct err e;
	int i;

	(void)state;
	for (i = 0; i < TMPL_DEPTH; i++) {
		strncat(text, "{{#fee}}", sizeof(text) - strlen(text) - 1);
		strncat(close, "{{/fee}}", sizeof(close) - strlen(close) - 1);
	}
	strncat(text, close, sizeof(text) - strlen(text) - 1);
	err_init(&e);
	assert_int_equal(tmpl_check(text, &e), 0);
	assert_check_fails("{{#fee}}{{#fee}}{{#fee}}{{#fee}}{{#fee}}{{#fee}}{{#fee}}{{#fee}}"
			   "{{#fee}}{{/fee}}{{/fee}}{{/fee}}{{/fee}}{{/fee}}{{/fee}}{{/fee}}"
			   "{{/fee}}{{/fee}}",
			   "deeper than");
}

static void test_check_field_sets_the_pointer(void **state)
{
	struct err e;

	(void)state;
	err_init(&e);
	assert_int_equal(tmpl_check_field("{{nope}}", "/subject", &e), -1);
	assert_int_equal(e.code, ERR_INVALID);
	assert_int_equal(e.nfields, 1);
	assert_string_equal(e.fields[0].pointer, "/subject");
	assert_non_null(strstr(e.fields[0].message, "unknown variable \"nope\""));
}

/* ---- types, locales, variables ---- */

static void test_types_and_locales(void **state)
{
	size_t n, i;
	const char *const *t = tmpl_types(&n);

	(void)state;
	assert_int_equal(n, 8);
	for (i = 0; i < n; i++)
		assert_true(tmpl_type_mails(t[i]));
	assert_true(tmpl_type_mails("booking.no_show"));
	assert_true(tmpl_type_mails("waitlist.offered"));
	assert_false(tmpl_type_mails("booking.held"));
	assert_false(tmpl_type_mails("endpoint.disabled"));
	assert_false(tmpl_type_mails(NULL));
	assert_true(tmpl_locale_ok("en"));
	assert_true(tmpl_locale_ok("de"));
	assert_false(tmpl_locale_ok("fr"));
	assert_false(tmpl_locale_ok("EN"));
	assert_false(tmpl_locale_ok(NULL));
	assert_null(tmpl_builtin("booking.held", "en"));
	assert_null(tmpl_builtin("booking.created", "fr"));
}

static void test_variable_docs(void **state)
{
	size_t n, i, j;
	const struct tmpl_var_doc *v = tmpl_vars(&n);

	(void)state;
	assert_int_equal(n, 30);
	for (i = 0; i < n; i++) {
		assert_true(strlen(v[i].description) > 0);
		assert_int_equal(strspn(v[i].name, "abcdefghijklmnopqrstuvwxyz_"),
				 strlen(v[i].name));
		for (j = 0; j < i; j++)
			assert_string_not_equal(v[i].name, v[j].name);
	}
}

/* ---- built-in templates ---- */

static void test_builtins_pass_the_check(void **state)
{
	static const char *const locales[] = { "en", "de" };
	size_t n, i, l;
	const char *const *t = tmpl_types(&n);
	struct err e;

	(void)state;
	for (i = 0; i < n; i++) {
		for (l = 0; l < N(locales); l++) {
			const struct tmpl_builtin *b = tmpl_builtin(t[i], locales[l]);
			assert_non_null(b);
			err_init(&e);
			if (tmpl_check(b->subject, &e) || tmpl_check(b->text, &e) ||
			    tmpl_check(b->html, &e))
				fail_msg("%s/%s: %s", t[i], locales[l], e.message);
		}
	}
}

static struct tmpl_val sample[] = {
	{ "recipient_name", "Ann <Smith>" },
	{ "to_customer", "yes" },
	{ "to_provider", "" },
	{ "tenant_name", "Salon Schnitt" },
	{ "customer_name", "Ann <Smith>" },
	{ "customer_email", "ann@example.com" },
	{ "customer_phone", "+49 30 123" },
	{ "provider_name", "Bea" },
	{ "service_name", "Haircut" },
	{ "reference", "ABC123" },
	{ "status", "confirmed" },
	{ "is_pending", "" },
	{ "date", "Monday, 14 December 2026" },
	{ "start_time", "3:30 PM" },
	{ "end_time", "4:30 PM" },
	{ "timezone", "Europe/Berlin" },
	{ "duration_minutes", "60" },
	{ "price", "30.00 EUR" },
	{ "fee", "" },
	{ "fee_reason", "" },
	{ "previous_date", "" },
	{ "previous_start_time", "" },
	{ "reminder_when", "in 1 hour" },
	{ "offer_expires", "Monday, 14 December 2026, 1:00 PM" },
	{ "offer_url", "https://x.example/offer?a=1&b=2" },
	{ "manage_url", "https://x.example/m/tok" },
	{ "notes", "" },
	{ "location", "" },
	{ "location_url", "" },
	{ "reason", "" },
};

static void set(const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < N(sample); i++)
		if (strcmp(sample[i].name, name) == 0)
			sample[i].value = value;
}

static void for_customer(bool customer)
{
	set("to_customer", customer ? "yes" : "");
	set("to_provider", customer ? "" : "yes");
}

/* Renders every built-in for both recipients and checks nothing of the syntax is left,
 * the HTML escapes values and the text does not. */
static void test_builtins_render_cleanly(void **state)
{
	static const char *const locales[] = { "en", "de" };
	size_t n, i, l, who;
	const char *const *t = tmpl_types(&n);

	(void)state;
	for (i = 0; i < n; i++) {
		for (l = 0; l < N(locales); l++) {
			const struct tmpl_builtin *b = tmpl_builtin(t[i], locales[l]);
			for (who = 0; who < 2; who++) {
				char *s;
				for_customer(who == 0);
				s = render(b->subject, sample, N(sample), false);
				assert_null(strstr(s, "{{"));
				assert_null(strchr(s, '\n'));
				assert_non_null(strstr(s, "14"));
				s = render(b->text, sample, N(sample), false);
				assert_null(strstr(s, "{{"));
				assert_non_null(strstr(s, "Ann <Smith>"));
				assert_non_null(strstr(s, "Salon Schnitt"));
				assert_null(strstr(s, "\n\n\n"));
				s = render(b->html, sample, N(sample), true);
				assert_null(strstr(s, "{{"));
				assert_non_null(strstr(s, "Ann &lt;Smith&gt;"));
				assert_null(strstr(s, "<Smith>"));
				assert_non_null(strstr(s, "<html lang=\""));
			}
		}
	}
	for_customer(true);
}

static void test_builtin_created_pending_wording(void **state)
{
	const struct tmpl_builtin *b = tmpl_builtin("booking.created", "en");
	char *s;

	(void)state;
	for_customer(true);
	set("is_pending", "yes");
	s = render(b->subject, sample, N(sample), false);
	assert_string_equal(s, "Booking request received: Haircut on Monday, 14 December 2026 "
			       "at 3:30 PM");
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "We have received your booking request."));
	assert_null(strstr(s, "Your booking is confirmed."));
	assert_non_null(strstr(s, "View, reschedule or cancel your booking:\n"
				  "https://x.example/m/tok\n"));
	for_customer(false);
	s = render(b->subject, sample, N(sample), false);
	assert_true(strncmp(s, "New booking request:", 20) == 0);
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Please confirm or decline it."));
	assert_non_null(strstr(s, "Customer: Ann <Smith>, ann@example.com, +49 30 123\n"));
	set("is_pending", "");
	s = render(b->subject, sample, N(sample), false);
	assert_true(strncmp(s, "New booking:", 12) == 0);
	for_customer(true);
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Your booking is confirmed."));
	assert_null(strstr(s, "Customer:"));
}

static void test_builtin_fee_and_previous_time(void **state)
{
	const struct tmpl_builtin *c = tmpl_builtin("booking.cancelled", "de");
	const struct tmpl_builtin *r = tmpl_builtin("booking.rescheduled", "en");
	char *s;

	(void)state;
	for_customer(true);
	s = render(c->text, sample, N(sample), false);
	assert_null(strstr(s, "Gebühr"));
	set("fee", "10,00 EUR");
	set("fee_reason", "weniger als 24 Stunden vorher");
	set("reason", "krank");
	s = render(c->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Es fällt eine Gebühr von 10,00 EUR an (weniger als 24 "
				  "Stunden vorher)."));
	assert_non_null(strstr(s, "Angegebener Grund: krank"));
	set("fee", "");
	set("fee_reason", "");
	set("reason", "");
	set("previous_date", "Friday, 11 December 2026");
	set("previous_start_time", "9:00 AM");
	s = render(r->text, sample, N(sample), false);
	assert_non_null(strstr(s, "It was on Friday, 11 December 2026 at 9:00 AM. It is now on "
				  "Monday, 14 December 2026 at 3:30 PM."));
	set("previous_date", "");
	set("previous_start_time", "");
}

static void test_builtin_waitlist_offer(void **state)
{
	const struct tmpl_builtin *b = tmpl_builtin("waitlist.offered", "en");
	char *s;

	(void)state;
	for_customer(true);
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "until Monday, 14 December 2026, 1:00 PM."));
	assert_non_null(strstr(s, "Book this time:\nhttps://x.example/offer?a=1&b=2\n"));
	assert_null(strstr(s, "https://x.example/m/tok"));
	s = render(b->html, sample, N(sample), true);
	assert_non_null(strstr(s, "href=\"https://x.example/offer?a=1&amp;b=2\""));
}

/* The location's line in the details of every message, and the video link in the
 * confirmation, the reminder and the reschedule, in both languages. */
static void test_builtin_location(void **state)
{
	static const char *const with_link[] = { "booking.created", "booking.confirmed",
						 "booking.reminder", "booking.rescheduled" };
	const struct tmpl_builtin *b;
	char *s;
	size_t i;

	(void)state;
	for_customer(true);
	b = tmpl_builtin("booking.created", "en");
	s = render(b->text, sample, N(sample), false);
	assert_null(strstr(s, "Where:"));
	assert_null(strstr(s, "video call"));
	set("location", "Main Street 1, Berlin");
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Where: Main Street 1, Berlin\n"));
	b = tmpl_builtin("booking.cancelled", "de");
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Wo: Main Street 1, Berlin\n"));
	set("location", "Video call: https://meet.example/acme-ABC?x=1&y=2");
	set("location_url", "https://meet.example/acme-ABC?x=1&y=2");
	for (i = 0; i < N(with_link); i++) {
		b = tmpl_builtin(with_link[i], "en");
		s = render(b->text, sample, N(sample), false);
		assert_non_null(strstr(s, "Join the video call:\n"
					  "https://meet.example/acme-ABC?x=1&y=2\n"));
		s = render(b->html, sample, N(sample), true);
		assert_non_null(strstr(s, "href=\"https://meet.example/acme-ABC?x=1&amp;y=2\""));
		b = tmpl_builtin(with_link[i], "de");
		s = render(b->text, sample, N(sample), false);
		assert_non_null(strstr(s, "Am Videoanruf teilnehmen:\n"));
	}
	set("location", "");
	set("location_url", "");
}

static void test_builtin_manage_link_optional(void **state)
{
	const struct tmpl_builtin *b = tmpl_builtin("booking.reminder", "de");
	char *s;

	(void)state;
	for_customer(true);
	s = render(b->text, sample, N(sample), false);
	assert_non_null(strstr(s, "Ihr Termin beginnt in 1 hour."));
	assert_non_null(strstr(s, "https://x.example/m/tok"));
	set("manage_url", "");
	s = render(b->html, sample, N(sample), true);
	assert_null(strstr(s, "href="));
	set("manage_url", "https://x.example/m/tok");
}

/* ---- locale words ---- */

static void test_locale_date(void **state)
{
	char out[64];

	(void)state;
	locale_date("en", 2026, 12, 14, 1, out, sizeof(out));
	assert_string_equal(out, "Monday, 14 December 2026");
	locale_date("de", 2026, 12, 14, 1, out, sizeof(out));
	assert_string_equal(out, "Montag, 14. Dezember 2026");
	locale_date("de", 2027, 3, 7, 0, out, sizeof(out));
	assert_string_equal(out, "Sonntag, 7. März 2027");
	locale_date("fr", 2026, 1, 3, 6, out, sizeof(out));
	assert_string_equal(out, "Saturday, 3 January 2026");
}

static void test_locale_time_12_hour_edges(void **state)
{
	char out[16];

	(void)state;
	locale_time("en", 15, 30, out, sizeof(out));
	assert_string_equal(out, "3:30 PM");
	locale_time("en", 0, 5, out, sizeof(out));
	assert_string_equal(out, "12:05 AM");
	locale_time("en", 0, 0, out, sizeof(out));
	assert_string_equal(out, "12:00 AM");
	locale_time("en", 12, 0, out, sizeof(out));
	assert_string_equal(out, "12:00 PM");
	locale_time("en", 11, 59, out, sizeof(out));
	assert_string_equal(out, "11:59 AM");
	locale_time("en", 23, 59, out, sizeof(out));
	assert_string_equal(out, "11:59 PM");
	locale_time("en", 9, 0, out, sizeof(out));
	assert_string_equal(out, "9:00 AM");
}

static void test_locale_time_24_hour(void **state)
{
	char out[16];

	(void)state;
	locale_time("de", 15, 30, out, sizeof(out));
	assert_string_equal(out, "15:30");
	locale_time("de", 0, 5, out, sizeof(out));
	assert_string_equal(out, "00:05");
	locale_time("de", 9, 0, out, sizeof(out));
	assert_string_equal(out, "09:00");
}

static void test_locale_in(void **state)
{
	static const struct {
		const char *locale;
		int minutes;
		const char *want;
	} cases[] = {
		{ "en", 60, "in 1 hour" },
		{ "en", 120, "in 2 hours" },
		{ "en", 15, "in 15 minutes" },
		{ "en", 1, "in 1 minute" },
		{ "en", 1440, "in 1 day" },
		{ "en", 2880, "in 2 days" },
		{ "en", 90, "in 1 hour 30 minutes" },
		{ "en", 1500, "in 25 hours" },
		{ "en", 61, "in 1 hour 1 minute" },
		{ "de", 60, "in 1 Stunde" },
		{ "de", 180, "in 3 Stunden" },
		{ "de", 15, "in 15 Minuten" },
		{ "de", 1, "in 1 Minute" },
		{ "de", 1440, "in 1 Tag" },
		{ "de", 2880, "in 2 Tagen" },
		{ "de", 90, "in 1 Stunde und 30 Minuten" },
	};
	char out[64];
	size_t i;

	(void)state;
	for (i = 0; i < N(cases); i++) {
		locale_in(cases[i].locale, cases[i].minutes, out, sizeof(out));
		if (strcmp(out, cases[i].want) != 0)
			fail_msg("%s %d: \"%s\", expected \"%s\"", cases[i].locale,
				 cases[i].minutes, out, cases[i].want);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_substitution),
		cmocka_unit_test(test_missing_and_null_values_are_empty),
		cmocka_unit_test(test_sections),
		cmocka_unit_test(test_nested_sections),
		cmocka_unit_test(test_html_escapes_values_not_the_template),
		cmocka_unit_test(test_values_are_not_expanded_again),
		cmocka_unit_test(test_other_braces_are_plain_text),
		cmocka_unit_test(test_check_accepts_good_templates),
		cmocka_unit_test(test_check_unknown_variable),
		cmocka_unit_test(test_check_unbalanced_sections),
		cmocka_unit_test(test_check_malformed_tags),
		cmocka_unit_test(test_check_depth),
		cmocka_unit_test(test_check_field_sets_the_pointer),
		cmocka_unit_test(test_types_and_locales),
		cmocka_unit_test(test_variable_docs),
		cmocka_unit_test(test_builtins_pass_the_check),
		cmocka_unit_test(test_builtins_render_cleanly),
		cmocka_unit_test(test_builtin_created_pending_wording),
		cmocka_unit_test(test_builtin_fee_and_previous_time),
		cmocka_unit_test(test_builtin_waitlist_offer),
		cmocka_unit_test(test_builtin_location),
		cmocka_unit_test(test_builtin_manage_link_optional),
		cmocka_unit_test(test_locale_date),
		cmocka_unit_test(test_locale_time_12_hour_edges),
		cmocka_unit_test(test_locale_time_24_hour),
		cmocka_unit_test(test_locale_in),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
