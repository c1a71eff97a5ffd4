/* External calendars (see uc_calendars.h). */
#include "usecase/uc_calendars.h"

#include <string.h>
#include <strings.h>

#include "core/ssrf.h"
#include "usecase/uc_int.h"
#include "util/ids.h"
#include "util/secretbox.h"
#include "wire/wire_calendars.h"

/* --- checks that need no transaction --- */

/* url into out (URL_MAX + 2 bytes), "webcal://" read as "https://": the scheme Apple and
 * others put on the subscription links they publish. */
static void url_normal(const char *url, char *out, size_t size)
{
	if (!strncasecmp(url, "webcal://", 9))
		snprintf(out, size, "https://%s", url + 9);
	else
		snprintf(out, size, "%s", url);
}

/* The host of an absolute URL (or of its redacted form) into out: what follows "://" up to
 * the path, without a port or an IPv6 literal's brackets. */
static void host_of(const char *url, char *out, size_t size)
{
	const char *h = strstr(url, "://"), *end;

	h = h ? h + 3 : url;
	if (*h == '[') {
		end = strchr(++h, ']');
	} else {
		end = h + strcspn(h, "/?#");
		const char *colon = memchr(h, ':', (size_t)(end - h));
		if (colon)
			end = colon;
	}
	if (!end)
		end = h + strlen(h);
	snprintf(out, size, "%.*s", (int)(end - h), h);
}

/* t as "scheme://host[:port]/…": an iCalendar subscription address's path (or query) is
 * its secret, the rest tells the user which service it is. */
static void url_redact(const struct url_target *t, char *out, size_t size)
{
	unsigned dflt = strcmp(t->scheme, "https") ? 80 : 443;
	bool v6 = strchr(t->host, ':') != NULL;
	char port[8] = "";

	if (t->port != dflt)
		snprintf(port, sizeof(port), ":%u", t->port);
	snprintf(out, size, "%s://%s%s%s%s/\xe2\x80\xa6", t->scheme, v6 ? "[" : "", t->host,
		 v6 ? "]" : "", port);
}

/* What only a CalDAV calendar may have, in a body for a calendar of kind. */
static void kind_rules(enum calendar_kind kind, const struct calendar_input *in, struct err *e)
{
	if (kind == CALENDAR_CALDAV)
		return;
	if ((in->fields & CAL_USERNAME) && *in->username)
		err_field(e, "/username", "only a caldav calendar has a username");
	if ((in->fields & CAL_PASSWORD) && *in->password)
		err_field(e, "/password", "only a caldav calendar has a password");
	if ((in->fields & CAL_WRITE) && in->write)
		err_field(e, "/write", "only a caldav calendar can be written to");
}

/* The secrets of in for a calendar of kind need the server's key. */
static void key_rules(struct uc_ctx *ctx, enum calendar_kind kind,
		      const struct calendar_input *in, struct err *e)
{
	static const char why[] = "cannot be stored encrypted: the server has no secret key (start"
				  " it with --secret-key-file PATH or SLOTD_SECRET_KEY_FILE)";

	if (ctx->env->config.has_secret_key)
		return;
	if (kind == CALENDAR_ICS && (in->fields & CAL_URL))
		err_field(e, "/url", "%s", why);
	if (kind == CALENDAR_CALDAV && (in->fields & CAL_PASSWORD) && *in->password)
		err_field(e, "/password", "%s", why);
}

/* --- applying a body --- */

static int seal(struct uc_ctx *ctx, const char *plain, char *box, struct err *e)
{
	return secretbox_seal(ctx->env->config.secret_key, plain, box, CALENDAR_BOX_MAX, e);
}

/* Forgets what the last fetch said and, when c is enabled, makes it due at once: the next
 * fetch reads the whole calendar again (a 304 or an unchanged ctag must not keep busy time
 * from another address, or none at all after disabling removed it). */
static void refetch(struct uc_ctx *ctx, struct ext_calendar *c)
{
	c->etag[0] = c->last_modified[0] = c->ctag[0] = c->busy_hash[0] = '\0';
	if (c->enabled)
		c->next_sync_at = ctx->now;
}

/* Sets c's address from url (normalised) and t (its parse): a CalDAV collection as given;
 * an iCalendar address sealed, shown redacted. */
static int set_url(struct uc_ctx *ctx, struct ext_calendar *c, const char *url,
		   const struct url_target *t, struct err *e)
{
	if (c->kind == CALENDAR_CALDAV) {
		snprintf(c->url, sizeof(c->url), "%.*s", URL_MAX, url);
		c->url_box[0] = '\0';
		return 0;
	}
	url_redact(t, c->url, sizeof(c->url));
	return seal(ctx, url, c->url_box, e);
}

static int set_password(struct uc_ctx *ctx, struct ext_calendar *c, const char *password,
			struct err *e)
{
	if (!*password) {
		c->password_box[0] = '\0';
		return 0;
	}
	return seal(ctx, password, c->password_box, e);
}

static void set_name(struct ext_calendar *c, const char *name)
{
	if (*name)
		snprintf(c->name, sizeof(c->name), "%s", name);
	else
		host_of(c->url, c->name, sizeof(c->name));
}

/* --- create --- */

static int calendar_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct ext_calendar *c = arg, *v;
	struct page pg = {"", CALENDARS_PER_PROVIDER_MAX};
	struct provider p;
	size_t n;

	if (uc_provider_in_reach(ctx, tx, c->provider_id, &p, e) ||
	    tx_calendar_list(tx, c->provider_id, pg, ctx->arena, &v, &n, e))
		return -1;
	if (n >= CALENDARS_PER_PROVIDER_MAX)
		return err_set(e, ERR_RECORD_LIMIT,
			       "provider %s already has %d external calendars, the most it may have",
			       c->provider_id, CALENDARS_PER_PROVIDER_MAX);
	if (tx_calendar_insert(tx, c, e))
		return -1;
	return uc_emit(ctx, tx, "calendar.created", c->id, wire_calendar(c), NULL, e);
}

static void wake(struct uc_ctx *ctx)
{
	if (ctx->env->calendar_wake)
		ctx->env->calendar_wake(ctx->env->calendar_arg);
}

int uc_calendar_create(struct uc_ctx *ctx, const char *provider_id,
		       const struct calendar_input *in, struct ext_calendar *out, struct err *e)
{
	char url[URL_MAX + 2];
	struct url_target t;

	memset(out, 0, sizeof(*out));
	url_normal(in->url, url, sizeof(url));
	kind_rules(in->kind, in, e);
	url_target_parse(url, &t, e);
	key_rules(ctx, in->kind, in, e);
	if (e->code ||
	    url_target_resolve(&t, ctx->env->config.allow_private_webhooks, e))
		return -1;

	id_new(out->id, "cal");
	snprintf(out->tenant_id, sizeof(out->tenant_id), "%s", ctx->auth->tenant_id);
	snprintf(out->provider_id, sizeof(out->provider_id), "%s", provider_id);
	out->kind = in->kind;
	if (set_url(ctx, out, url, &t, e) || set_password(ctx, out, in->password, e))
		return -1;
	set_name(out, in->name);
	snprintf(out->username, sizeof(out->username), "%s", in->username);
	out->write = in->write;
	out->enabled = in->enabled;
	out->interval_min = in->interval_min;
	out->next_sync_at = ctx->now;
	out->version = 1;
	out->created_at = out->updated_at = ctx->now;
	if (uc_write(ctx, calendar_create_tx, out, e))
		return -1;
	wake(ctx);
	return 0;
}

/* --- read --- */

int uc_calendar_get(struct uc_ctx *ctx, const char *provider_id, const char *id,
		    struct ext_calendar *out, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct provider p;
	int rc;

	if (!tx)
		return -1;
	rc = uc_provider_in_reach(ctx, tx, provider_id, &p, e) ||
	     tx_calendar_get(tx, provider_id, id, out, e);
	uc_read_end(tx);
	return rc ? -1 : 0;
}

int uc_calendar_list(struct uc_ctx *ctx, const char *provider_id, struct page pg,
		     struct ext_calendar **out, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct provider p;
	int rc;

	if (!tx)
		return -1;
	rc = uc_provider_in_reach(ctx, tx, provider_id, &p, e) ||
	     tx_calendar_list(tx, provider_id, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc ? -1 : 0;
}

/* --- update --- */

struct calendar_edit {
	const char *provider_id, *id;
	const struct calendar_input *in;
	const char *url;		/* normalised, when in has one */
	const struct url_target *t;	/* its parse */
	int if_match;
	struct ext_calendar *out;
	bool due;			/* made due at once */
};

/* Applies ed's body to c (as stored; checked). */
static int calendar_apply(struct uc_ctx *ctx, struct calendar_edit *ed, struct ext_calendar *c,
			  struct err *e)
{
	const struct calendar_input *in = ed->in;
	bool was_enabled = c->enabled;

	if ((in->fields & CAL_URL) && set_url(ctx, c, ed->url, ed->t, e))
		return -1;
	if (in->fields & CAL_USERNAME)
		snprintf(c->username, sizeof(c->username), "%s", in->username);
	if ((in->fields & CAL_PASSWORD) && set_password(ctx, c, in->password, e))
		return -1;
	if (in->fields & CAL_NAME)
		set_name(c, in->name);
	if (in->fields & CAL_WRITE)
		c->write = in->write;
	if (in->fields & CAL_ENABLED)
		c->enabled = in->enabled;
	if (in->fields & CAL_INTERVAL && in->interval_min != c->interval_min) {
		/* The new interval counts from the last attempt, not from the next one; a
		 * calendar already due (a sync asked for) stays due. */
		int64_t base = c->last_attempt_at ? c->last_attempt_at : ctx->now;
		int64_t next = base + (int64_t)in->interval_min * 60;
		c->interval_min = in->interval_min;
		if (next < ctx->now)
			next = ctx->now;
		if (c->next_sync_at > ctx->now)
			c->next_sync_at = next;
	}
	if ((in->fields & (CAL_URL | CAL_USERNAME | CAL_PASSWORD)) ||
	    c->enabled != was_enabled) {
		refetch(ctx, c);
		ed->due = c->enabled;
	}
	return 0;
}

static int calendar_update_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct calendar_edit *ed = arg;
	struct ext_calendar *c = ed->out;
	struct provider p;
	json_t *before;

	ed->due = false;
	if (uc_provider_in_reach(ctx, tx, ed->provider_id, &p, e) ||
	    tx_calendar_get(tx, ed->provider_id, ed->id, c, e))
		return -1;
	if (ed->if_match > 0 && ed->if_match != c->version)
		return err_set(e, ERR_PRECONDITION, "calendar %s is at version %d, not %d", ed->id,
			       c->version, ed->if_match);
	if ((ed->in->fields & CAL_KIND) && ed->in->kind != c->kind)
		err_field(e, "/kind", "cannot change (this is a%s %s calendar): connect another one",
			  c->kind == CALENDAR_ICS ? "n" : "", calendar_kind_name(c->kind));
	kind_rules(c->kind, ed->in, e);
	key_rules(ctx, c->kind, ed->in, e);
	if (e->code)
		return -1;
	before = wire_calendar(c);
	c->updated_at = ctx->now;
	if (calendar_apply(ctx, ed, c, e) || tx_calendar_update(tx, c, e) ||
	    tx_calendar_get(tx, ed->provider_id, ed->id, c, e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "calendar.updated", c->id, wire_calendar(c), before, e);
}

int uc_calendar_update(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       const struct calendar_input *in, int if_match, struct ext_calendar *out,
		       struct err *e)
{
	struct calendar_edit ed = {provider_id, id, in, NULL, NULL, if_match, out, false};
	char url[URL_MAX + 2];
	struct url_target t;

	if (in->fields & CAL_URL) {
		url_normal(in->url, url, sizeof(url));
		if (url_target_parse(url, &t, e) ||
		    url_target_resolve(&t, ctx->env->config.allow_private_webhooks, e))
			return -1;
		ed.url = url;
		ed.t = &t;
	}
	if (uc_write(ctx, calendar_update_tx, &ed, e))
		return -1;
	if (ed.due)
		wake(ctx);
	return 0;
}

/* --- delete and sync --- */

struct calendar_ref {
	const char *provider_id, *id;
	struct ext_calendar *out;
};

static int calendar_delete_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct calendar_ref *cr = arg;
	struct provider p;

	if (uc_provider_in_reach(ctx, tx, cr->provider_id, &p, e) ||
	    tx_calendar_get(tx, cr->provider_id, cr->id, cr->out, e) ||
	    tx_calendar_delete(tx, cr->provider_id, cr->id, e))
		return -1;
	return uc_emit(ctx, tx, "calendar.deleted", cr->id, wire_calendar(cr->out), NULL, e);
}

int uc_calendar_delete(struct uc_ctx *ctx, const char *provider_id, const char *id,
		       struct err *e)
{
	struct ext_calendar *c = arena_alloc(ctx->arena, sizeof(*c));
	struct calendar_ref cr = {provider_id, id, c};

	return uc_write(ctx, calendar_delete_tx, &cr, e);
}

static int calendar_sync_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct calendar_ref *cr = arg;
	struct provider p;

	if (uc_provider_in_reach(ctx, tx, cr->provider_id, &p, e) ||
	    tx_calendar_get(tx, cr->provider_id, cr->id, cr->out, e))
		return -1;
	if (!cr->out->enabled)
		return err_set(e, ERR_CONFLICT,
			       "calendar %s is disabled: enable it (PATCH enabled: true) to sync it",
			       cr->id);
	return tx_calendar_due_now(tx, cr->id, ctx->now, e) ||
		       tx_calendar_get(tx, cr->provider_id, cr->id, cr->out, e)
		   ? -1
		   : 0;
}

int uc_calendar_sync(struct uc_ctx *ctx, const char *provider_id, const char *id,
		     struct ext_calendar *out, struct err *e)
{
	struct calendar_ref cr = {provider_id, id, out};

	if (uc_write(ctx, calendar_sync_tx, &cr, e))
		return -1;
	wake(ctx);
	return 0;
}
