/* Webhook endpoints, the delivery log and the tenant's message templates, as the API
 * manages them (src/notify delivers). Part of the use cases (usecase/uc.h). Every write
 * appends its event: endpoint.created / .updated / .deleted / .secret_rotated,
 * template.updated / .deleted; no payload carries a secret. */
#ifndef SLOTD_USECASE_UC_NOTIFY_H
#define SLOTD_USECASE_UC_NOTIFY_H

#include "store/store_notify.h"
#include "usecase/uc.h"

#define UC_SECRET_OVERLAP_SECONDS 86400	/* a rotated-out secret keeps signing this long */
#define UC_TEMPLATE_TEXT_MAX 20000	/* characters of a template's subject, text or html */

/* --- webhook endpoints --- */

/* Checks that url is an http(s) URL whose host resolves to public addresses only (any
 * address with the server's allow_private_webhooks). ERR_INVALID at "/url". Resolves the
 * name: call it outside a transaction. */
int uc_webhook_url_check(struct uc_ctx *ctx, const char *url, struct err *e);

/* Creates w from its url, types (none = "*"), enabled and description; sets the rest (id,
 * secret, times). The URL is checked as uc_webhook_url_check does. */
int uc_endpoint_create(struct uc_ctx *ctx, struct webhook_endpoint *w, struct err *e);
int uc_endpoint_get(struct uc_ctx *ctx, const char *id, struct webhook_endpoint *out,
		    struct err *e);
int uc_endpoint_list(struct uc_ctx *ctx, struct page pg, struct webhook_endpoint **out,
		     size_t *n, struct err *e);

/* A PATCH: the fields whose has_ flag is set take v's value. */
struct endpoint_patch {
	bool has_url, has_types, has_enabled, has_description;
	struct webhook_endpoint v;
};
/* Applies p to endpoint id (at version if_match when that is > 0, else ERR_PRECONDITION).
 * Disabling records "manual"; enabling clears the reason and failing_since. */
int uc_endpoint_update(struct uc_ctx *ctx, const char *id, const struct endpoint_patch *p,
		       int if_match, struct webhook_endpoint *out, struct err *e);
/* Deletes the endpoint and its pending deliveries (the log of finished ones stays). */
int uc_endpoint_delete(struct uc_ctx *ctx, const char *id, struct err *e);
/* A new secret for endpoint id; the old one keeps signing for UC_SECRET_OVERLAP_SECONDS.
 * out gets the endpoint with the new secret in out->secret. */
int uc_endpoint_rotate(struct uc_ctx *ctx, const char *id, struct webhook_endpoint *out,
		       struct err *e);
/* Replays every delivery of endpoint id created at or after since that has not succeeded;
 * *n counts them. */
int uc_endpoint_recover(struct uc_ctx *ctx, const char *id, int64_t since, size_t *n,
			struct err *e);

/* --- deliveries --- */

/* Deliveries by id, paged; with f->endpoint_id, ERR_NOT_FOUND when there is no such
 * endpoint. */
int uc_delivery_list(struct uc_ctx *ctx, const struct delivery_filter *f, struct page pg,
		     struct delivery **out, size_t *n, struct err *e);
/* A delivery and its attempts (oldest first). */
int uc_delivery_get(struct uc_ctx *ctx, const char *id, struct delivery *out,
		    struct delivery_attempt **attempts, size_t *n, struct err *e);
/* Makes delivery id pending again, due now; ERR_CONFLICT when its endpoint is gone. */
int uc_delivery_replay(struct uc_ctx *ctx, const char *id, struct delivery *out,
		       struct err *e);

/* --- message templates --- */

/* One (event type, locale) a tenant may override. */
struct uc_template_item {
	const char *event_type, *locale;
	bool custom;
	int64_t updated_at;		/* of the override; 0 when built in */
};
/* Every mailing type × locale, and whether the tenant overrides it. */
int uc_template_list(struct uc_ctx *ctx, struct uc_template_item **out, size_t *n,
		     struct err *e);
/* The tenant's template of (event_type, locale), or the built-in one (*custom false).
 * ERR_NOT_FOUND for a type that does not mail or an unknown locale. */
int uc_template_get(struct uc_ctx *ctx, const char *event_type, const char *locale,
		    struct message_template *out, bool *custom, struct err *e);
/* Stores t (each part checked at /subject, /text, /html: ERR_INVALID). */
int uc_template_put(struct uc_ctx *ctx, struct message_template *t, struct err *e);
/* Back to the built-in template (nothing to do when not overridden). */
int uc_template_delete(struct uc_ctx *ctx, const char *event_type, const char *locale,
		       struct err *e);
/* Renders the template of (event_type, locale) — the parts of draft that are not NULL
 * replace the stored ones — with sample values, or with booking booking_id's where it has
 * them (NULL = samples only). out's parts live in the call's arena. */
int uc_template_preview(struct uc_ctx *ctx, const struct message_template *draft,
			const char *booking_id, struct message_template *out, struct err *e);

#endif
