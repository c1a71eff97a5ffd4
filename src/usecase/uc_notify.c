/* Webhook endpoints, the delivery log and message templates (usecase/uc_notify.h). */
#include "usecase/uc_notify.h"

#include <string.h>

#include "core/booking.h"
#include "core/msgtmpl.h"
#include "core/ssrf.h"
#include "core/whsec.h"
#include "usecase/uc_int.h"
#include "util/ids.h"
#include "wire/wire_notify.h"

/* --- webhook endpoints --- */

int uc_webhook_url_check(struct uc_ctx *ctx, const char *url, struct err *e)
{
	struct url_target t;

	if (url_target_parse(url, &t, e))
		return -1;
	return url_target_resolve(&t, ctx->env->config.allow_private_webhooks, e);
}

static json_t *endpoint_json(struct uc_ctx *ctx, const struct webhook_endpoint *w)
{
	return wire_endpoint(w, ctx->now, NULL);
}

static int endpoint_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct webhook_endpoint *w = arg;

	if (tx_endpoint_insert(tx, w, e))
		return -1;
	return uc_emit(ctx, tx, "endpoint.created", w->id, endpoint_json(ctx, w), NULL,
		       e);
}

int uc_endpoint_create(struct uc_ctx *ctx, struct webhook_endpoint *w, struct err *e)
{
	if (uc_webhook_url_check(ctx, w->url, e))
		return -1;
	id_new(w->id, "whe");
	whsec_new(w->secret);
	w->previous_secret[0] = '\0';
	w->previous_until = 0;
	w->failing_since = 0;
	if (w->ntypes == 0) {
		w->ntypes = 1;
		snprintf(w->types[0], sizeof(w->types[0]), "*");
	}
	snprintf(w->disabled_reason, sizeof(w->disabled_reason), "%s",
		 w->enabled ? "" : "manual");
	w->version = 1;
	w->created_at = w->updated_at = ctx->now;
	return uc_write(ctx, endpoint_create_tx, w, e);
}

int uc_endpoint_get(struct uc_ctx *ctx, const char *id, struct webhook_endpoint *out,
		    struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_endpoint_get(tx, id, out, e);
	uc_read_end(tx);
	return rc;
}

int uc_endpoint_list(struct uc_ctx *ctx, struct page pg, struct webhook_endpoint **out,
		     size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	int rc;

	if (!tx)
		return -1;
	rc = tx_endpoint_list(tx, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

struct endpoint_edit {
	const char *id;
	const struct endpoint_patch *p;
	int if_match;
	struct webhook_endpoint *out;
};

static void endpoint_apply(struct webhook_endpoint *w, const struct endpoint_patch *p)
{
	if (p->has_url)
		snprintf(w->url, sizeof(w->url), "%s", p->v.url);
	if (p->has_types) {
		memcpy(w->types, p->v.types, sizeof(w->types));
		w->ntypes = p->v.ntypes;
	}
	if (p->has_description)
		snprintf(w->description, sizeof(w->description), "%s", p->v.description);
	if (p->has_enabled) {
		if (p->v.enabled && (!w->enabled || *w->disabled_reason)) {
			w->disabled_reason[0] = '\0';
			w->failing_since = 0;
		} else if (!p->v.enabled && w->enabled) {
			snprintf(w->disabled_reason, sizeof(w->disabled_reason), "manual");
		}
		w->enabled = p->v.enabled;
	}
}

static int endpoint_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct endpoint_edit *ed = arg;
	struct webhook_endpoint *w = ed->out;
	json_t *before;

	if (tx_endpoint_get(tx, ed->id, w, e))
		return -1;
	if (ed->if_match > 0 && ed->if_match != w->version)
		return err_set(e, ERR_PRECONDITION, "webhook endpoint %s is at version %d, not %d",
			       ed->id, w->version, ed->if_match);
	before = endpoint_json(ctx, w);
	endpoint_apply(w, ed->p);
	w->updated_at = ctx->now;
	if (tx_endpoint_update(tx, w, e)) {
		json_decref(before);
		return -1;
	}
	w->version++;
	return uc_emit(ctx, tx, "endpoint.updated", w->id, endpoint_json(ctx, w), before,
		       e);
}

int uc_endpoint_update(struct uc_ctx *ctx, const char *id, const struct endpoint_patch *p,
		       int if_match, struct webhook_endpoint *out, struct err *e)
{
	struct endpoint_edit ed = {id, p, if_match, out};

	if (p->has_url && uc_webhook_url_check(ctx, p->v.url, e))
		return -1;
	return uc_write(ctx, endpoint_update_tx, &ed, e);
}

static int endpoint_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	const char *id = arg;
	struct webhook_endpoint w;

	if (tx_endpoint_get(tx, id, &w, e) || tx_endpoint_delete(tx, id, e))
		return -1;
	return uc_emit(ctx, tx, "endpoint.deleted", id, endpoint_json(ctx, &w), NULL, e);
}

int uc_endpoint_delete(struct uc_ctx *ctx, const char *id, struct err *e)
{
	return uc_write(ctx, endpoint_delete_tx, (void *)id, e);
}

struct endpoint_rotate {
	const char *id;
	struct webhook_endpoint *out;
};

static int endpoint_rotate_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct endpoint_rotate *er = arg;
	struct webhook_endpoint *w = er->out;
	json_t *before;

	if (tx_endpoint_get(tx, er->id, w, e))
		return -1;
	before = endpoint_json(ctx, w);
	snprintf(w->previous_secret, sizeof(w->previous_secret), "%s", w->secret);
	w->previous_until = ctx->now + UC_SECRET_OVERLAP_SECONDS;
	whsec_new(w->secret);
	w->updated_at = ctx->now;
	if (tx_endpoint_update(tx, w, e)) {
		json_decref(before);
		return -1;
	}
	w->version++;
	return uc_emit(ctx, tx, "endpoint.secret_rotated", w->id, endpoint_json(ctx, w),
		       before, e);
}

int uc_endpoint_rotate(struct uc_ctx *ctx, const char *id, struct webhook_endpoint *out,
		       struct err *e)
{
	struct endpoint_rotate er = {id, out};

	return uc_write(ctx, endpoint_rotate_tx, &er, e);
}

struct endpoint_recover {
	const char *id;
	int64_t since;
	size_t *n;
};

static int endpoint_recover_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			       struct err *e)
{
	struct endpoint_recover *er = arg;
	struct webhook_endpoint w;

	if (tx_endpoint_get(tx, er->id, &w, e))
		return -1;
	return tx_delivery_recover(tx, er->id, er->since, ctx->now, er->n, e);
}

int uc_endpoint_recover(struct uc_ctx *ctx, const char *id, int64_t since, size_t *n,
			struct err *e)
{
	struct endpoint_recover er = {id, since, n};

	*n = 0;
	if (since > ctx->now)
		return err_field(e, "/since", "must not be in the future");
	return uc_write(ctx, endpoint_recover_tx, &er, e);
}

/* --- deliveries --- */

int uc_delivery_list(struct uc_ctx *ctx, const struct delivery_filter *f, struct page pg,
		     struct delivery **out, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	struct webhook_endpoint w;
	int rc = 0;

	*n = 0;
	*out = NULL;
	if (!tx)
		return -1;
	if (f->endpoint_id)
		rc = tx_endpoint_get(tx, f->endpoint_id, &w, e);
	if (rc == 0)
		rc = tx_delivery_list(tx, f, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc;
}

int uc_delivery_get(struct uc_ctx *ctx, const char *id, struct delivery *out,
		    struct delivery_attempt **attempts, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int rc;

	*n = 0;
	*attempts = NULL;
	if (!tx)
		return -1;
	rc = tx_delivery_get(tx, id, out, e);
	if (rc == 0)
		rc = tx_attempt_list(tx, id, ctx->arena, attempts, n, e);
	uc_read_end(tx);
	return rc;
}

struct delivery_replay {
	const char *id;
	struct delivery *out;
};

static int delivery_replay_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct delivery_replay *dr = arg;
	struct webhook_endpoint w;
	struct err lookup;

	if (tx_delivery_get(tx, dr->id, dr->out, e))
		return -1;
	if (dr->out->channel == CHANNEL_WEBHOOK) {
		err_init(&lookup);
		if (tx_endpoint_get(tx, dr->out->endpoint_id, &w, &lookup)) {
			if (lookup.code != ERR_NOT_FOUND)
				return err_set(e, lookup.code, "%s", lookup.message);
			return err_set(e, ERR_CONFLICT,
				       "delivery %s cannot be replayed: its webhook endpoint %s"
				       " was deleted",
				       dr->id, dr->out->endpoint_id);
		}
	}
	if (tx_delivery_replay(tx, dr->id, ctx->now, e))
		return -1;
	return tx_delivery_get(tx, dr->id, dr->out, e);
}

int uc_delivery_replay(struct uc_ctx *ctx, const char *id, struct delivery *out,
		       struct err *e)
{
	struct delivery_replay dr = {id, out};

	return uc_write(ctx, delivery_replay_tx, &dr, e);
}

/* --- message templates --- */

static const char *const locales[] = {"en", "de"};
#define NLOCALES (sizeof(locales) / sizeof(*locales))

static int template_known(const char *event_type, const char *locale, struct err *e)
{
	if (!tmpl_type_mails(event_type) || !tmpl_locale_ok(locale) ||
	    !tmpl_builtin(event_type, locale))
		return err_set(e, ERR_NOT_FOUND, "no template %s/%s: the type does not send"
				 " e-mail or the locale is not one of en, de", event_type, locale);
	return 0;
}

int uc_template_list(struct uc_ctx *ctx, struct uc_template_item **out, size_t *n,
		     struct err *e)
{
	const char *const *types;
	struct store_tx *tx;
	size_t ntypes, i, j, k = 0;
	int rc = 0;

	*n = 0;
	types = tmpl_types(&ntypes);
	*out = arena_alloc(ctx->arena, (ntypes * NLOCALES + 1) * sizeof(**out));
	if (!(tx = uc_read(ctx, STORE_SNAPSHOT, e)))
		return -1;
	for (i = 0; i < ntypes && rc == 0; i++)
		for (j = 0; j < NLOCALES && rc == 0; j++) {
			struct uc_template_item *it = &(*out)[k];
			struct message_template t;
			struct err lookup;

			if (!tmpl_locale_ok(locales[j]))
				continue;
			it->event_type = types[i];
			it->locale = locales[j];
			err_init(&lookup);
			if (tx_template_get(tx, types[i], locales[j], ctx->arena, &t, &lookup) == 0) {
				it->custom = true;
				it->updated_at = t.updated_at;
			} else if (lookup.code != ERR_NOT_FOUND) {
				rc = err_set(e, lookup.code, "%s", lookup.message);
				break;
			} else {
				it->custom = false;
				it->updated_at = 0;
			}
			k++;
		}
	uc_read_end(tx);
	*n = k;
	return rc;
}

/* The stored or built-in template, read in tx. */
static int template_read(struct uc_ctx *ctx, struct store_tx *tx, const char *event_type,
			 const char *locale, struct message_template *out, bool *custom,
			 struct err *e)
{
	char type_in[EVENT_TYPE_MAX], locale_in[LOCALE_MAX];
	const struct tmpl_builtin *b;
	struct err lookup;

	/* out may be where event_type and locale live. */
	snprintf(type_in, sizeof(type_in), "%s", event_type);
	snprintf(locale_in, sizeof(locale_in), "%s", locale);
	event_type = type_in;
	locale = locale_in;
	if (template_known(event_type, locale, e))
		return -1;
	err_init(&lookup);
	if (tx_template_get(tx, event_type, locale, ctx->arena, out, &lookup) == 0) {
		*custom = true;
		return 0;
	}
	if (lookup.code != ERR_NOT_FOUND)
		return err_set(e, lookup.code, "%s", lookup.message);
	b = tmpl_builtin(event_type, locale);
	memset(out, 0, sizeof(*out));
	snprintf(out->event_type, sizeof(out->event_type), "%s", event_type);
	snprintf(out->locale, sizeof(out->locale), "%s", locale);
	out->subject = (char *)b->subject;
	out->text = (char *)b->text;
	out->html = (char *)b->html;
	*custom = false;
	return 0;
}

int uc_template_get(struct uc_ctx *ctx, const char *event_type, const char *locale,
		    struct message_template *out, bool *custom, struct err *e)
{
	struct store_tx *tx;
	int rc;

	if (template_known(event_type, locale, e))
		return -1;
	if (!(tx = uc_read(ctx, STORE_READ, e)))
		return -1;
	rc = template_read(ctx, tx, event_type, locale, out, custom, e);
	uc_read_end(tx);
	return rc;
}

/* The subject of a template's events: "event_type/locale". */
static const char *template_subject(struct uc_ctx *ctx, const struct message_template *t)
{
	char subject[EVENT_TYPE_MAX + LOCALE_MAX + 2];

	snprintf(subject, sizeof(subject), "%s/%s", t->event_type, t->locale);
	return arena_strdup(ctx->arena, subject);
}

/* Checks each part of t at its field; ERR_INVALID naming every bad one. */
static int template_check(const struct message_template *t, struct err *e)
{
	if (t->subject)
		tmpl_check_field(t->subject, "/subject", e);
	if (t->text)
		tmpl_check_field(t->text, "/text", e);
	if (t->html)
		tmpl_check_field(t->html, "/html", e);
	return e->code ? -1 : 0;
}

static int template_put_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct message_template *t = arg;
	struct message_template old;
	json_t *before = NULL;
	bool custom;

	if (template_read(ctx, tx, t->event_type, t->locale, &old, &custom, e))
		return -1;
	before = wire_template(&old, custom, false);
	if (tx_template_put(tx, t, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "template.updated", template_subject(ctx, t),
		       wire_template(t, true, false), before, e);
}

int uc_template_put(struct uc_ctx *ctx, struct message_template *t, struct err *e)
{
	if (template_known(t->event_type, t->locale, e) || template_check(t, e))
		return -1;
	t->updated_at = ctx->now;
	return uc_write(ctx, template_put_tx, t, e);
}

static int template_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg,
			      struct err *e)
{
	struct message_template *t = arg;
	struct message_template old;
	struct err gone;
	bool custom;

	if (template_read(ctx, tx, t->event_type, t->locale, &old, &custom, e))
		return -1;
	if (!custom)
		return 0;
	err_init(&gone);
	if (tx_template_delete(tx, t->event_type, t->locale, &gone))
		return err_set(e, gone.code, "%s", gone.message);
	return uc_emit(ctx, tx, "template.deleted", template_subject(ctx, t),
		       wire_template(&old, true, false), NULL, e);
}

int uc_template_delete(struct uc_ctx *ctx, const char *event_type, const char *locale,
		       struct err *e)
{
	struct message_template t;

	if (template_known(event_type, locale, e))
		return -1;
	memset(&t, 0, sizeof(t));
	snprintf(t.event_type, sizeof(t.event_type), "%s", event_type);
	snprintf(t.locale, sizeof(t.locale), "%s", locale);
	return uc_write(ctx, template_delete_tx, &t, e);
}

/* Sample values for a preview: plausible ones for the variables we know, the name in
 * brackets for others. */
static const struct tmpl_val samples[] = {
	{"recipient_name", "Alex Example"},
	{"to_customer", "yes"},
	{"to_provider", ""},
	{"tenant_name", "Example Clinic"},
	{"customer_name", "Alex Example"},
	{"customer_email", "alex@example.com"},
	{"customer_phone", "+1 555 0100"},
	{"provider_name", "Dr. Sam Smith"},
	{"service_name", "Consultation"},
	{"reference", "ABCD2345"},
	{"status", "confirmed"},
	{"is_pending", ""},
	{"date", "Monday, 14 December 2026"},
	{"start_time", "3:30 PM"},
	{"end_time", "4:30 PM"},
	{"timezone", "America/New_York"},
	{"duration_minutes", "60"},
	{"price", "50.00 USD"},
	{"fee", "25.00 USD"},
	{"fee_reason", "late_cancellation"},
	{"previous_date", "Friday, 11 December 2026"},
	{"previous_start_time", "10:00 AM"},
	{"reminder_when", "in 1 hour"},
	{"offer_expires", "Monday, 14 December 2026, 2:00 PM"},
	{"offer_url", "https://book.example.com/book/example?waitlist=wtl_00000000000000000000"},
	{"manage_url", "https://book.example.com/manage/bkg_00000000000000000000"},
	{"notes", "Please bring your last report."},
	{"reason", "The provider is unavailable"},
};

static const char *sample_for(struct uc_ctx *ctx, const char *name)
{
	char v[80];
	size_t i;

	for (i = 0; i < sizeof(samples) / sizeof(*samples); i++)
		if (!strcmp(samples[i].name, name))
			return samples[i].value;
	snprintf(v, sizeof(v), "[%s]", name);
	return arena_strdup(ctx->arena, v);
}

/* Replaces the value of name in vals (n of them), when present. */
static void val_set(struct tmpl_val *vals, size_t n, const char *name, const char *value)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(vals[i].name, name))
			vals[i].value = value;
}

/* What a booking says for itself; times and names stay samples (the e-mail renderer fills
 * them for real messages). */
static void vals_from_booking(struct uc_ctx *ctx, const struct booking *b, struct tmpl_val *vals,
			      size_t n)
{
	val_set(vals, n, "recipient_name", arena_strdup(ctx->arena, b->customer_name));
	val_set(vals, n, "customer_name", arena_strdup(ctx->arena, b->customer_name));
	val_set(vals, n, "customer_email", arena_strdup(ctx->arena, b->customer_email));
	val_set(vals, n, "customer_phone", arena_strdup(ctx->arena, b->customer_phone));
	val_set(vals, n, "reference", arena_strdup(ctx->arena, b->reference));
	val_set(vals, n, "status", booking_status_name(b->status));
	val_set(vals, n, "is_pending", b->status == BOOKING_PENDING ? "yes" : "");
	val_set(vals, n, "notes", arena_strdup(ctx->arena, b->notes));
	val_set(vals, n, "fee_reason", arena_strdup(ctx->arena, b->fee_reason));
}

static char *render(struct uc_ctx *ctx, const char *text, const struct tmpl_val *vals,
		    size_t n, bool html)
{
	struct buf out;
	char *copy;

	buf_init(&out, 4 * TMPL_MAX);
	tmpl_render(text, vals, n, html, &out);
	copy = arena_strdup(ctx->arena, out.ptr ? out.ptr : "");
	buf_release(&out);
	return copy;
}

int uc_template_preview(struct uc_ctx *ctx, const struct message_template *draft,
			const char *booking_id, struct message_template *out, struct err *e)
{
	const struct tmpl_var_doc *docs;
	struct message_template base;
	struct tmpl_val *vals;
	struct store_tx *tx;
	struct booking b;
	bool custom;
	size_t n, i;
	int rc;

	if (template_known(draft->event_type, draft->locale, e) || template_check(draft, e))
		return -1;
	if (!(tx = uc_read(ctx, STORE_SNAPSHOT, e)))
		return -1;
	rc = template_read(ctx, tx, draft->event_type, draft->locale, &base, &custom, e);
	if (rc == 0 && booking_id)
		rc = tx_booking_get(tx, booking_id, ctx->arena, &b, e);
	uc_read_end(tx);
	if (rc) {
		if (booking_id && e->code == ERR_NOT_FOUND)
			err_field_code(e, ERR_NOT_FOUND, "/booking_id", "no such booking");
		return -1;
	}
	docs = tmpl_vars(&n);
	vals = arena_alloc(ctx->arena, (n + 1) * sizeof(*vals));
	for (i = 0; i < n; i++) {
		vals[i].name = docs[i].name;
		vals[i].value = sample_for(ctx, docs[i].name);
	}
	if (booking_id)
		vals_from_booking(ctx, &b, vals, n);
	memset(out, 0, sizeof(*out));
	snprintf(out->event_type, sizeof(out->event_type), "%s", draft->event_type);
	snprintf(out->locale, sizeof(out->locale), "%s", draft->locale);
	out->subject = render(ctx, draft->subject ? draft->subject : base.subject, vals, n, false);
	out->text = render(ctx, draft->text ? draft->text : base.text, vals, n, false);
	out->html = render(ctx, draft->html ? draft->html : base.html, vals, n, true);
	return 0;
}
