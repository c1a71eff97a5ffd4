/* Calendar subscription feeds (see uc_feeds.h). */
#include "usecase/uc_feeds.h"

#include <string.h>

#include "store/store_feeds.h"
#include "usecase/uc_int.h"
#include "util/ids.h"
#include "util/log.h"
#include "wire/wire_feeds.h"

struct feed_new {
	struct feed *f;
	char *token;
};

static int feed_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct feed_new *fn = arg;
	struct feed *f = fn->f;
	char hash[TOKEN_HASH_MAX];
	struct provider p;

	if (*f->provider_id && uc_provider_in_reach(ctx, tx, f->provider_id, &p, e))
		return -1;
	id_new(f->id, "fed");
	snprintf(f->tenant_id, sizeof(f->tenant_id), "%s", ctx->auth->tenant_id);
	f->created_at = ctx->now;
	f->last_used_at = 0;
	token_new(fn->token, "cal");
	token_hash(hash, fn->token, strlen(fn->token));
	if (tx_feed_insert(tx, f, hash, e))
		return -1;
	return uc_emit(ctx, tx, "feed.created", f->id, wire_feed(f, NULL, NULL), NULL, e);
}

int uc_feed_create(struct uc_ctx *ctx, struct feed *f, char *token, struct err *e)
{
	struct feed_new fn = {f, token};

	if (!*f->provider_id && ctx->auth->role != ROLE_ADMIN)
		return err_set(e, ERR_FORBIDDEN, "only admin keys may make a tenant-wide feed");
	return uc_write(ctx, feed_create_tx, &fn, e);
}

int uc_feed_list(struct uc_ctx *ctx, const char *provider_id, struct page pg, struct feed **out,
		 size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_READ, e);
	struct provider p;
	int rc;

	if (!tx)
		return -1;
	rc = (provider_id && uc_provider_in_reach(ctx, tx, provider_id, &p, e)) ||
	     tx_feed_list(tx, provider_id, pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	return rc ? -1 : 0;
}

struct feed_gone {
	const char *provider_id, *id;
};

static int feed_revoke_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct feed_gone *g = arg;
	struct provider p;
	struct feed f;

	if (g->provider_id && uc_provider_in_reach(ctx, tx, g->provider_id, &p, e))
		return -1;
	if (tx_feed_get(tx, g->id, &f, e))
		return -1;
	if (g->provider_id && strcmp(f.provider_id, g->provider_id) != 0)
		return err_set(e, ERR_NOT_FOUND, "feed %s not found", g->id);
	if (tx_feed_delete(tx, g->id, e))
		return -1;
	return uc_emit(ctx, tx, "feed.revoked", f.id, wire_feed(&f, NULL, NULL), NULL, e);
}

int uc_feed_revoke(struct uc_ctx *ctx, const char *provider_id, const char *id, struct err *e)
{
	struct feed_gone g = {provider_id, id};

	return uc_write(ctx, feed_revoke_tx, &g, e);
}

/* --- the document --- */

/* Zones of the providers met so far: a feed of many bookings asks the store once per
 * provider, however many providers (room for one per booking). */
struct zone_memo {
	id_t_ *ids;
	const struct tz **zones;
	size_t n, cap;
};

static const struct tz *provider_zone(struct uc_ctx *ctx, struct store_tx *tx, struct zone_memo *m,
				      const char *id)
{
	const struct tz *z;
	size_t i;

	for (i = 0; i < m->n; i++)
		if (!strcmp(m->ids[i], id))
			return m->zones[i];
	z = uc_provider_zone(ctx, tx, id);
	if (m->n < m->cap) {
		snprintf(m->ids[m->n], ID_MAX, "%s", id);
		m->zones[m->n++] = z;
	}
	return z;
}

static int64_t later(int64_t a, int64_t b)
{
	return a > b ? a : b;
}

/* Reads what feed f shows at ctx->now into doc; *changed the latest change among it. */
static int feed_gather(struct uc_ctx *ctx, struct store_tx *tx, const struct feed *f,
		       struct feed_doc *doc, int64_t *changed, struct err *e)
{
	struct feed_booking *bookings;
	struct feed_entry *fes;
	struct zone_memo memo;
	struct feed_window w;
	struct entry *entries;
	struct provider p;
	size_t i, n;

	memset(&memo, 0, sizeof(memo));
	memset(doc, 0, sizeof(*doc));
	doc->kind = f->kind;
	doc->calname = *f->name ? f->name : "All providers";
	if (*f->provider_id) {
		if (tx_provider_get(tx, f->provider_id, &p, e)) {
			if (e->code != ERR_NOT_FOUND)
				return -1;
			/* Its provider was deleted: the feed went with it. */
			err_init(e);
			return err_set(e, ERR_NOT_FOUND, "no feed has this token");
		}
		doc->provider_id = f->provider_id;
		if (!*f->name)
			doc->calname = arena_strdup(ctx->arena, p.name);
		*changed = later(*changed, p.updated_at);
	}
	feed_window_at(f, ctx->now, &w);
	*changed = later(*changed, later(w.day_start, f->created_at));
	if (tx_feed_bookings(tx, doc->provider_id, &w, FEED_MAX_BOOKINGS, ctx->arena, &bookings, &n,
			     e))
		return -1;
	memo.ids = arena_alloc(ctx->arena, (n + 1) * sizeof(*memo.ids));
	memo.zones = arena_alloc(ctx->arena, (n + 1) * sizeof(*memo.zones));
	memo.cap = n;
	for (i = 0; i < n; i++) {
		bookings[i].zone = provider_zone(ctx, tx, &memo, bookings[i].b.provider_id);
		*changed = later(*changed, later(bookings[i].b.updated_at, bookings[i].closed_at));
	}
	doc->bookings = bookings;
	doc->nbookings = n;
	if (tx_feed_entries(tx, doc->provider_id, &w, FEED_MAX_ENTRIES, ctx->arena, &entries, &n,
			    e))
		return -1;
	fes = arena_alloc(ctx->arena, (n + 1) * sizeof(*fes));
	for (i = 0; i < n; i++) {
		fes[i].en = entries[i];
		fes[i].zone = uc_zone(ctx, entries[i].timezone);
		*changed = later(*changed, entries[i].updated_at);
	}
	doc->entries = fes;
	doc->nentries = n;
	return 0;
}

int uc_feed_read(const struct uc_env *env, const char *token_hash, int64_t now, struct arena *a,
		 struct uc_feed_doc *out, struct err *e)
{
	struct store_tx *tx = store_begin(env->store, "", STORE_READ, e);
	int64_t changed = 0, last_event = 0;
	struct feed_doc doc;
	struct auth auth;
	struct uc_ctx ctx;
	struct err ignored;
	int rc;

	memset(out, 0, sizeof(*out));
	err_init(&ignored);
	if (!tx)
		return -1;
	rc = tx_feed_by_token(tx, token_hash, &out->feed, e);
	store_end(tx, false, &ignored);
	if (rc)
		return -1;
	uc_ctx_system(&ctx, env, &auth, out->feed.tenant_id, "feed", now, a);
	tx = uc_read(&ctx, STORE_SNAPSHOT, e);
	if (!tx)
		return -1;
	rc = feed_gather(&ctx, tx, &out->feed, &doc, &changed, e) ||
	     tx_tenant_changed_at(tx, &last_event, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	out->text = feed_render(&doc, env->tz);
	/* Never later than now (RFC 9110 §8.8.2.1): a change stamped ahead of this clock (another
	 * process's) would otherwise make If-Modified-Since answer 304 to copies older than it. */
	out->last_modified = later(changed, last_event);
	if (out->last_modified > now)
		out->last_modified = now;
	if (!out->feed.last_used_at || out->feed.last_used_at < now - 3600) {
		err_init(&ignored);
		if (store_feed_touch(env->store, out->feed.tenant_id, out->feed.id, now, &ignored))
			log_msg(LOG_WARN, "could not record the use of feed %s: %s", out->feed.id,
				ignored.message);
	}
	return 0;
}
