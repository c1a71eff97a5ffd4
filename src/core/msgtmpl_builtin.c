/* The built-in message templates, English and German: one template per event type that
 * serves both recipients through the to_customer / to_provider sections. Each body is
 * written once as a macro over its layout (paragraph, optional paragraph, details, link)
 * and expanded twice: as plain text and as simple inline-styled HTML. */
#include "core/msgtmpl.h"

#include <string.h>

#include "util/err.h"

/* Plain text: paragraphs separated by a blank line, details as "Key: value" lines. */
#define TL(x) x "\n\n"
#define TS(v, x) "{{#" v "}}" x "\n\n{{/" v "}}"
#define TR(k, v) k ": " v "\n"
#define TSR(s, k, v) "{{#" s "}}" k ": " v "\n{{/" s "}}"
#define TTABLE(rows) rows "\n"
#define TLINK(v, label) "{{#" v "}}" label ":\n{{" v "}}\n\n{{/" v "}}"

/* HTML: the same structure with inline styles, as mail clients ignore style sheets. */
#define HL(x) "<p style=\"margin:0 0 16px\">" x "</p>\n"
#define HS(v, x) "{{#" v "}}" HL(x) "{{/" v "}}"
#define HR(k, v)                                                                          \
	"<tr><th scope=\"row\" style=\"text-align:left;vertical-align:top;"               \
	"padding:4px 16px 4px 0;white-space:nowrap\">" k "</th>"                          \
	"<td style=\"padding:4px 0\">" v "</td></tr>\n"
#define HSR(s, k, v) "{{#" s "}}" HR(k, v) "{{/" s "}}"
#define HTABLE(rows)                                                                      \
	"<table role=\"presentation\" style=\"border-collapse:collapse;margin:0 0 24px\">\n" \
	rows "</table>\n"
#define HLINK(v, label)                                                                   \
	"{{#" v "}}<p style=\"margin:0 0 24px\"><a href=\"{{" v "}}\" style=\"display:inline-block;" \
	"padding:10px 16px;background:#1d70b8;color:#ffffff;text-decoration:none;"        \
	"border-radius:4px;font-weight:bold\">" label "</a></p>\n{{/" v "}}"
#define DOC_H(lang, content)                                                              \
	"<!DOCTYPE html>\n<html lang=\"" lang "\">\n<head><meta charset=\"utf-8\"></head>\n" \
	"<body style=\"margin:0;padding:24px;background:#ffffff\">\n"                     \
	"<div style=\"font-family:Arial,Helvetica,sans-serif;font-size:16px;"             \
	"line-height:1.5;color:#1b1b1b;max-width:560px\">\n" content "</div>\n</body>\n</html>\n"

/* ---- English ---- */

#define EN_HELLO(L) L("Hello{{#recipient_name}} {{recipient_name}}{{/recipient_name}},")
#define EN_SIGN(L) L("{{tenant_name}}")
#define EN_FEE(S) \
	S("fee", "A fee of {{fee}} applies{{#fee_reason}} ({{fee_reason}}){{/fee_reason}}.")
#define EN_REASON(S) S("reason", "Reason given: {{reason}}")
#define EN_DETAILS(R, SR, TABLE)                                                          \
	TABLE(R("What", "{{service_name}}{{#to_customer}}{{#provider_name}} with "       \
			"{{provider_name}}{{/provider_name}}{{/to_customer}}")            \
	      R("When", "{{date}}, {{start_time}} to {{end_time}} ({{timezone}})")        \
	      SR("to_provider", "Customer",                                               \
		 "{{customer_name}}{{#customer_email}}, {{customer_email}}{{/customer_email}}" \
		 "{{#customer_phone}}, {{customer_phone}}{{/customer_phone}}")           \
	      SR("location", "Where", "{{location}}")                                     \
	      SR("price", "Price", "{{price}}")                                          \
	      SR("reference", "Reference", "{{reference}}")                               \
	      SR("notes", "Notes", "{{notes}}"))
#define EN_MANAGE(LINK)                                                                   \
	"{{#to_customer}}" LINK("manage_url", "View, reschedule or cancel your booking")  \
	"{{/to_customer}}{{#to_provider}}" LINK("manage_url", "View the booking")         \
	"{{/to_provider}}"
#define EN_VIEW(LINK) LINK("manage_url", "View the booking")
#define EN_JOIN(LINK) LINK("location_url", "Join the video call")
#define EN_WHEN " {{service_name}} on {{date}} at {{start_time}}"

#define EN_CREATED_S                                                                      \
	"{{#to_customer}}{{#is_pending}}Booking request received{{/is_pending}}"          \
	"{{^is_pending}}Booking confirmed{{/is_pending}}{{/to_customer}}"                 \
	"{{#to_provider}}{{#is_pending}}New booking request{{/is_pending}}"               \
	"{{^is_pending}}New booking{{/is_pending}}{{/to_provider}}:" EN_WHEN
#define EN_CREATED(L, S, D, LINK)                                                         \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}{{#is_pending}}We have received your booking request. We will " \
	  "write to you again as soon as it is confirmed.{{/is_pending}}"                 \
	  "{{^is_pending}}Your booking is confirmed.{{/is_pending}}{{/to_customer}}"      \
	  "{{#to_provider}}{{#is_pending}}{{customer_name}} has asked for a booking. "     \
	  "Please confirm or decline it.{{/is_pending}}{{^is_pending}}{{customer_name}} " \
	  "has made a booking with you.{{/is_pending}}{{/to_provider}}")                  \
	D EN_JOIN(LINK) EN_MANAGE(LINK) EN_SIGN(L)

#define EN_CONFIRMED_S "Booking confirmed:" EN_WHEN
#define EN_CONFIRMED(L, S, D, LINK)                                                       \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}Good news: your booking request has been confirmed."          \
	  "{{/to_customer}}{{#to_provider}}You have confirmed the booking of "            \
	  "{{customer_name}}.{{/to_provider}}")                                           \
	D EN_JOIN(LINK) EN_MANAGE(LINK) EN_SIGN(L)

#define EN_DECLINED_S "Booking request declined:" EN_WHEN
#define EN_DECLINED(L, S, D, LINK)                                                        \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}We are sorry: your booking request could not be accepted."    \
	  "{{/to_customer}}{{#to_provider}}You have declined the booking request of "     \
	  "{{customer_name}}.{{/to_provider}}")                                           \
	EN_REASON(S) D EN_VIEW(LINK) EN_SIGN(L)

#define EN_CANCELLED_S "Booking cancelled:" EN_WHEN
#define EN_CANCELLED(L, S, D, LINK)                                                       \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}Your booking has been cancelled.{{/to_customer}}"             \
	  "{{#to_provider}}The booking of {{customer_name}} has been cancelled."          \
	  "{{/to_provider}}")                                                             \
	EN_REASON(S) EN_FEE(S) D EN_VIEW(LINK) EN_SIGN(L)

#define EN_RESCHEDULED_S "Booking moved:" EN_WHEN
#define EN_RESCHEDULED(L, S, D, LINK)                                                     \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}Your booking has been moved to a new time.{{/to_customer}}"   \
	  "{{#to_provider}}The booking of {{customer_name}} has been moved to a new time." \
	  "{{/to_provider}}")                                                             \
	S("previous_date", "It was on {{previous_date}} at {{previous_start_time}}. "     \
			   "It is now on {{date}} at {{start_time}}.")                    \
	EN_FEE(S) D EN_JOIN(LINK) EN_MANAGE(LINK) EN_SIGN(L)

#define EN_REMINDER_S "Reminder:" EN_WHEN
#define EN_REMINDER(L, S, D, LINK)                                                        \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}Your appointment starts{{/to_customer}}"                      \
	  "{{#to_provider}}Your appointment with {{customer_name}} starts{{/to_provider}}" \
	  "{{#reminder_when}} {{reminder_when}}{{/reminder_when}}"                        \
	  "{{^reminder_when}} soon{{/reminder_when}}.")                                   \
	S("to_customer", "If you cannot come, please cancel or reschedule in good time.") \
	D EN_JOIN(LINK) EN_MANAGE(LINK) EN_SIGN(L)

#define EN_NO_SHOW_S                                                                      \
	"{{#to_customer}}Missed appointment:" EN_WHEN "{{/to_customer}}"                  \
	"{{#to_provider}}No-show recorded: {{customer_name}} on {{date}} at {{start_time}}" \
	"{{/to_provider}}"
#define EN_NO_SHOW(L, S, D, LINK)                                                         \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}You were recorded as not attending your appointment."         \
	  "{{/to_customer}}{{#to_provider}}You have recorded that {{customer_name}} did " \
	  "not attend the appointment.{{/to_provider}}")                                  \
	S("fee", "A no-show fee of {{fee}} is owed{{#fee_reason}} ({{fee_reason}})"       \
		 "{{/fee_reason}}.")                                                      \
	S("to_customer", "If you think this is a mistake, please contact "               \
			 "{{tenant_name}}.")                                              \
	D EN_VIEW(LINK) EN_SIGN(L)

#define EN_OFFERED_S                                                                      \
	"{{#to_customer}}A time has become free:" EN_WHEN "{{/to_customer}}"              \
	"{{#to_provider}}Waiting list offer sent: {{customer_name}} on {{date}} at "      \
	"{{start_time}}{{/to_provider}}"
#define EN_OFFERED(L, S, D, LINK)                                                         \
	EN_HELLO(L)                                                                       \
	L("{{#to_customer}}A time you were waiting for has become free.{{/to_customer}}" \
	  "{{#to_provider}}{{customer_name}} from the waiting list has been offered this " \
	  "time.{{/to_provider}}")                                                        \
	D                                                                                 \
	S("offer_expires", "{{#to_customer}}We are keeping it for you until "            \
			   "{{offer_expires}}.{{/to_customer}}{{#to_provider}}The offer " \
			   "ends on {{offer_expires}}.{{/to_provider}}")                  \
	"{{#to_customer}}" LINK("offer_url", "Book this time")                            \
	S("offer_url", "If you do not book it{{#offer_expires}} by then"                  \
		       "{{/offer_expires}}, it goes to the next person on the waiting list.") \
	"{{/to_customer}}" EN_SIGN(L)

/* ---- German (formal address) ---- */

#define DE_HELLO(L) L("Hallo{{#recipient_name}} {{recipient_name}}{{/recipient_name}},")
#define DE_SIGN(L) L("{{tenant_name}}")
#define DE_FEE(S)                                                                         \
	S("fee", "Es fällt eine Gebühr von {{fee}} an{{#fee_reason}} ({{fee_reason}})"   \
		 "{{/fee_reason}}.")
#define DE_REASON(S) S("reason", "Angegebener Grund: {{reason}}")
#define DE_DETAILS(R, SR, TABLE)                                                          \
	TABLE(R("Was", "{{service_name}}{{#to_customer}}{{#provider_name}} bei "          \
		       "{{provider_name}}{{/provider_name}}{{/to_customer}}")             \
	      R("Wann", "{{date}}, {{start_time}} bis {{end_time}} Uhr ({{timezone}})")   \
	      SR("to_provider", "Gebucht von",                                            \
		 "{{customer_name}}{{#customer_email}}, {{customer_email}}{{/customer_email}}" \
		 "{{#customer_phone}}, {{customer_phone}}{{/customer_phone}}")           \
	      SR("location", "Wo", "{{location}}")                                        \
	      SR("price", "Preis", "{{price}}")                                          \
	      SR("reference", "Buchungsnummer", "{{reference}}")                          \
	      SR("notes", "Anmerkungen", "{{notes}}"))
#define DE_MANAGE(LINK)                                                                   \
	"{{#to_customer}}" LINK("manage_url", "Buchung ansehen, verschieben oder stornieren") \
	"{{/to_customer}}{{#to_provider}}" LINK("manage_url", "Buchung ansehen")          \
	"{{/to_provider}}"
#define DE_VIEW(LINK) LINK("manage_url", "Buchung ansehen")
#define DE_JOIN(LINK) LINK("location_url", "Am Videoanruf teilnehmen")
#define DE_WHEN " {{service_name}} am {{date}} um {{start_time}} Uhr"

#define DE_CREATED_S                                                                      \
	"{{#to_customer}}{{#is_pending}}Buchungsanfrage erhalten{{/is_pending}}"          \
	"{{^is_pending}}Buchung bestätigt{{/is_pending}}{{/to_customer}}"                 \
	"{{#to_provider}}{{#is_pending}}Neue Buchungsanfrage{{/is_pending}}"              \
	"{{^is_pending}}Neue Buchung{{/is_pending}}{{/to_provider}}:" DE_WHEN
#define DE_CREATED(L, S, D, LINK)                                                         \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}{{#is_pending}}wir haben Ihre Buchungsanfrage erhalten. Sobald " \
	  "sie bestätigt ist, schreiben wir Ihnen erneut.{{/is_pending}}"                 \
	  "{{^is_pending}}Ihre Buchung ist bestätigt.{{/is_pending}}{{/to_customer}}"     \
	  "{{#to_provider}}{{#is_pending}}{{customer_name}} hat eine Buchung angefragt. "  \
	  "Bitte bestätigen Sie sie oder lehnen Sie sie ab.{{/is_pending}}"               \
	  "{{^is_pending}}{{customer_name}} hat einen Termin bei Ihnen gebucht."          \
	  "{{/is_pending}}{{/to_provider}}")                                              \
	D DE_JOIN(LINK) DE_MANAGE(LINK) DE_SIGN(L)

#define DE_CONFIRMED_S "Buchung bestätigt:" DE_WHEN
#define DE_CONFIRMED(L, S, D, LINK)                                                       \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}gute Nachrichten: Ihre Buchungsanfrage wurde bestätigt."      \
	  "{{/to_customer}}{{#to_provider}}Sie haben die Buchung von {{customer_name}} "  \
	  "bestätigt.{{/to_provider}}")                                                   \
	D DE_JOIN(LINK) DE_MANAGE(LINK) DE_SIGN(L)

#define DE_DECLINED_S "Buchungsanfrage abgelehnt:" DE_WHEN
#define DE_DECLINED(L, S, D, LINK)                                                        \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}leider konnte Ihre Buchungsanfrage nicht angenommen werden."  \
	  "{{/to_customer}}{{#to_provider}}Sie haben die Buchungsanfrage von "            \
	  "{{customer_name}} abgelehnt.{{/to_provider}}")                                 \
	DE_REASON(S) D DE_VIEW(LINK) DE_SIGN(L)

#define DE_CANCELLED_S "Buchung storniert:" DE_WHEN
#define DE_CANCELLED(L, S, D, LINK)                                                       \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}Ihre Buchung wurde storniert.{{/to_customer}}"                \
	  "{{#to_provider}}die Buchung von {{customer_name}} wurde storniert."            \
	  "{{/to_provider}}")                                                             \
	DE_REASON(S) DE_FEE(S) D DE_VIEW(LINK) DE_SIGN(L)

#define DE_RESCHEDULED_S "Termin verschoben:" DE_WHEN
#define DE_RESCHEDULED(L, S, D, LINK)                                                     \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}Ihr Termin wurde verschoben.{{/to_customer}}"                 \
	  "{{#to_provider}}der Termin von {{customer_name}} wurde verschoben."            \
	  "{{/to_provider}}")                                                             \
	S("previous_date", "Bisher: {{previous_date}} um {{previous_start_time}} Uhr. "   \
			   "Neu: {{date}} um {{start_time}} Uhr.")                        \
	DE_FEE(S) D DE_JOIN(LINK) DE_MANAGE(LINK) DE_SIGN(L)

#define DE_REMINDER_S "Erinnerung:" DE_WHEN
#define DE_REMINDER(L, S, D, LINK)                                                        \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}Ihr Termin beginnt{{/to_customer}}"                           \
	  "{{#to_provider}}Ihr Termin mit {{customer_name}} beginnt{{/to_provider}}"      \
	  "{{#reminder_when}} {{reminder_when}}{{/reminder_when}}"                        \
	  "{{^reminder_when}} bald{{/reminder_when}}.")                                   \
	S("to_customer", "Falls Sie nicht kommen können, sagen Sie bitte rechtzeitig ab " \
			 "oder verschieben Sie den Termin.")                              \
	D DE_JOIN(LINK) DE_MANAGE(LINK) DE_SIGN(L)

#define DE_NO_SHOW_S                                                                      \
	"{{#to_customer}}Verpasster Termin:" DE_WHEN "{{/to_customer}}"                   \
	"{{#to_provider}}Nicht erschienen: {{customer_name}} am {{date}} um "             \
	"{{start_time}} Uhr{{/to_provider}}"
#define DE_NO_SHOW(L, S, D, LINK)                                                         \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}Sie wurden für Ihren Termin als nicht erschienen vermerkt."   \
	  "{{/to_customer}}{{#to_provider}}Sie haben {{customer_name}} als nicht "        \
	  "erschienen vermerkt.{{/to_provider}}")                                         \
	S("fee", "Dafür fällt eine Gebühr von {{fee}} an{{#fee_reason}} ({{fee_reason}})" \
		 "{{/fee_reason}}.")                                                      \
	S("to_customer", "Falls das ein Irrtum ist, wenden Sie sich bitte an "           \
			 "{{tenant_name}}.")                                              \
	D DE_VIEW(LINK) DE_SIGN(L)

#define DE_OFFERED_S                                                                      \
	"{{#to_customer}}Ein Termin ist frei geworden:" DE_WHEN "{{/to_customer}}"        \
	"{{#to_provider}}Angebot von der Warteliste: {{customer_name}} am {{date}} um "   \
	"{{start_time}} Uhr{{/to_provider}}"
#define DE_OFFERED(L, S, D, LINK)                                                         \
	DE_HELLO(L)                                                                       \
	L("{{#to_customer}}ein Termin, auf den Sie gewartet haben, ist frei geworden."   \
	  "{{/to_customer}}{{#to_provider}}{{customer_name}} von der Warteliste wurde "   \
	  "dieser Termin angeboten.{{/to_provider}}")                                     \
	D                                                                                 \
	S("offer_expires", "{{#to_customer}}Wir halten ihn bis {{offer_expires}} für "    \
			   "Sie frei.{{/to_customer}}{{#to_provider}}Das Angebot gilt "   \
			   "bis {{offer_expires}}.{{/to_provider}}")                      \
	"{{#to_customer}}" LINK("offer_url", "Diesen Termin buchen")                      \
	S("offer_url", "Wenn Sie ihn nicht{{#offer_expires}} bis dahin{{/offer_expires}} " \
		       "buchen, geht er an die nächste Person auf der Warteliste.")       \
	"{{/to_customer}}" DE_SIGN(L)

#define ENTRY(type, loc, LANG, subject, body)                                             \
	{ type, loc,                                                                      \
	  { subject, body(TL, TS, LANG##_DETAILS(TR, TSR, TTABLE), TLINK),                \
	    DOC_H(loc, body(HL, HS, LANG##_DETAILS(HR, HSR, HTABLE), HLINK)) } }

static const struct {
	const char *type, *locale;
	struct tmpl_builtin t;
} builtins[] = {
	ENTRY("booking.created", "en", EN, EN_CREATED_S, EN_CREATED),
	ENTRY("booking.confirmed", "en", EN, EN_CONFIRMED_S, EN_CONFIRMED),
	ENTRY("booking.declined", "en", EN, EN_DECLINED_S, EN_DECLINED),
	ENTRY("booking.cancelled", "en", EN, EN_CANCELLED_S, EN_CANCELLED),
	ENTRY("booking.rescheduled", "en", EN, EN_RESCHEDULED_S, EN_RESCHEDULED),
	ENTRY("booking.reminder", "en", EN, EN_REMINDER_S, EN_REMINDER),
	ENTRY("booking.no_show", "en", EN, EN_NO_SHOW_S, EN_NO_SHOW),
	ENTRY("waitlist.offered", "en", EN, EN_OFFERED_S, EN_OFFERED),
	ENTRY("booking.created", "de", DE, DE_CREATED_S, DE_CREATED),
	ENTRY("booking.confirmed", "de", DE, DE_CONFIRMED_S, DE_CONFIRMED),
	ENTRY("booking.declined", "de", DE, DE_DECLINED_S, DE_DECLINED),
	ENTRY("booking.cancelled", "de", DE, DE_CANCELLED_S, DE_CANCELLED),
	ENTRY("booking.rescheduled", "de", DE, DE_RESCHEDULED_S, DE_RESCHEDULED),
	ENTRY("booking.reminder", "de", DE, DE_REMINDER_S, DE_REMINDER),
	ENTRY("booking.no_show", "de", DE, DE_NO_SHOW_S, DE_NO_SHOW),
	ENTRY("waitlist.offered", "de", DE, DE_OFFERED_S, DE_OFFERED),
};

const struct tmpl_builtin *tmpl_builtin(const char *event_type, const char *locale)
{
	size_t i;

	if (!event_type || !locale)
		return NULL;
	for (i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(builtins[i].type, event_type) == 0 &&
		    strcmp(builtins[i].locale, locale) == 0)
			return &builtins[i].t;
	return NULL;
}
