/* Calendar subscription feeds: made (the token shown once), listed and revoked by admins and
 * by staff for their providers; and the document a feed's token reads without any key. */
#ifndef SLOTD_USECASE_UC_FEEDS_H
#define SLOTD_USECASE_UC_FEEDS_H

#include "core/feed.h"
#include "usecase/uc.h"

/* Makes feed f from its kind, name, days and provider_id ("" = every provider: admins only),
 * filling id and created_at, with feed.created; its token (TOKEN_MAX bytes) into token.
 * ERR_NOT_FOUND for a provider out of the caller's reach. */
int uc_feed_create(struct uc_ctx *ctx, struct feed *f, char *token, struct err *e);
/* Feeds of provider_id (in the caller's reach), or with provider_id NULL every feed of the
 * tenant, paged. */
int uc_feed_list(struct uc_ctx *ctx, const char *provider_id, struct page pg, struct feed **out,
		 size_t *n, struct err *e);
/* Deletes feed id with feed.revoked: with provider_id, only a feed of that provider (in the
 * caller's reach); ERR_NOT_FOUND otherwise. Its URL answers 404 from then on. */
int uc_feed_revoke(struct uc_ctx *ctx, const char *provider_id, const char *id, struct err *e);

/* A feed's document. */
struct uc_feed_doc {
	struct feed feed;
	char *text;	       /* heap; the caller frees it */
	int64_t last_modified; /* UTC seconds; see uc_feed_read */
};

/* The document of the feed whose token hashes to token_hash, at now, with no caller: the
 * token is the credential and carries its tenant. ERR_NOT_FOUND for an unknown (or revoked)
 * token and for a provider deleted since. last_modified is the latest of: the feed's
 * creation, the tenant's last change (its latest event: that covers what left the document
 * by deletion or reassignment), the changes of what it shows, and the start of the UTC day
 * (the window moves daily); never later than now. Records the feed's use at most once an
 * hour. Scratch memory from a. */
int uc_feed_read(const struct uc_env *env, const char *token_hash, int64_t now, struct arena *a,
		 struct uc_feed_doc *out, struct err *e);

#endif
