/* Message templates for notification e-mails, their built-in defaults, and the locale words
 * the variables are made of.
 *
 * Syntax: {{name}} is replaced by the variable's value; {{#name}}…{{/name}} is kept only
 * when the variable is non-empty, {{^name}}…{{/name}} only when it is empty; sections nest.
 * Names are [a-z_]+ and must be one of tmpl_vars(). Nothing else is special: a "{{" that
 * does not start a tag of this form is copied as it is (tmpl_check refuses it, though, so
 * stored templates never depend on that).
 *
 * One variable set serves every message type; a variable a type does not use is empty. */
#ifndef SLOTD_CORE_MSGTMPL_H
#define SLOTD_CORE_MSGTMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "util/buf.h"
#include "util/err.h"

#define TMPL_MAX 65536		/* longest template text accepted by tmpl_check */
#define TMPL_DEPTH 8		/* deepest section nesting accepted */

struct tmpl_var_doc {
	const char *name, *description;
};

/* Every variable a template may use, documented (static storage); *n is the count. */
const struct tmpl_var_doc *tmpl_vars(size_t *n);

/* Checks text: known variable names, sections balanced and closed by their own name, no
 * malformed "{{". Errors: ERR_INVALID naming the problem (e.g. unknown variable "foo"). */
int tmpl_check(const char *text, struct err *e);
/* Like tmpl_check, but records the failure with err_field at pointer field. */
int tmpl_check_field(const char *text, const char *field, struct err *e);

struct tmpl_val {
	const char *name, *value;
};

/* Renders text with vals (n pairs; a missing or NULL value is "") onto out. With html,
 * values are escaped (& < > " '); the template's own text never is. Text that would fail
 * tmpl_check renders on a best-effort basis (unknown names are empty). */
void tmpl_render(const char *text, const struct tmpl_val *vals, size_t n, bool html,
		 struct buf *out);

/* The event types that send e-mails (static storage); *n is the count. */
const char *const *tmpl_types(size_t *n);
bool tmpl_type_mails(const char *event_type);

/* The template locales: "en", "de". */
bool tmpl_locale_ok(const char *locale);

struct tmpl_builtin {
	const char *subject, *text, *html;
};

/* The built-in templates of (event_type, locale); NULL when the type does not mail or the
 * locale is unknown. Static storage. */
const struct tmpl_builtin *tmpl_builtin(const char *event_type, const char *locale);

/* Locale words. An unknown locale is treated as "en". Outputs are truncated to n bytes. */

/* A long date: en "Monday, 14 December 2026", de "Montag, 14. Dezember 2026".
 * m is 1..12, wday 0..6 with 0 = Sunday. */
void locale_date(const char *locale, int y, int m, int d, int wday, char *out, size_t n);
/* A time of day: en "3:30 PM" (0:05 is "12:05 AM", 12:00 "12:00 PM"), de "15:30". */
void locale_time(const char *locale, int h, int min, char *out, size_t n);
/* A duration from now: en "in 1 hour", "in 15 minutes", "in 2 days",
 * "in 1 hour 30 minutes"; de "in 1 Stunde", "in 15 Minuten", "in 2 Tagen",
 * "in 1 Stunde und 30 Minuten". Days only for exact multiples of a day. */
void locale_in(const char *locale, int minutes, char *out, size_t n);

#endif
