/* /v1/keys: API keys of the tenant — made (the secret shown once), listed, revoked. */
#include "http/handlers.h"

#include <string.h>

#include "http/auth_cache.h"
#include "http/h_common.h"
#include "http/json_in.h"

static const char *const key_keys[] = {"name", "role", "provider_ids", "expires_at", NULL};

static int parse(struct req *r, struct api_key *k, struct err *e)
{
	json_t *o = r->json;
	const char *ids[KEY_MAX_PROVIDERS];
	char role[16];
	size_t n = 0, i;
	int got;

	json_only_keys(o, "", key_keys, e);
	got = json_get_str(o, "", "name", KEY_NAME_MAX, k->name, sizeof(k->name), e);
	if (got == 0)
		json_required("", "name", e);
	else if (got > 0 && !*k->name)
		err_field(e, "/name", "must not be empty");
	got = json_get_str(o, "", "role", sizeof(role) - 1, role, sizeof(role), e);
	if (got == 0)
		json_required("", "role", e);
	else if (got > 0 && role_parse(role, &k->role))
		err_field(e, "/role", "must be admin, staff or customer");
	if (json_get_instant(o, "", "expires_at", &k->expires_at, e) == 1 && k->expires_at <= 0)
		err_field(e, "/expires_at", "must be in the future");
	got = json_get_ids(o, "", "provider_ids", "prv", KEY_MAX_PROVIDERS, ids, &n, e);
	if (e->code)
		return -1;
	if (got == 1) {
		if (k->role != ROLE_STAFF)
			return err_field(e, "/provider_ids", "only a staff key is limited to providers");
		if (n == 0)
			return err_field(e, "/provider_ids",
					 "must name at least one provider (leave it out for all)");
		k->scoped = true;
		k->provider_ids = arena_alloc(r->arena, n * sizeof(*k->provider_ids));
		for (i = 0; i < n; i++)
			snprintf(k->provider_ids[i], ID_MAX, "%s", ids[i]);
		k->nproviders = n;
	}
	return 0;
}

int h_key_create(struct req *r, struct err *e)
{
	char secret[TOKEN_MAX];
	struct api_key k;

	memset(&k, 0, sizeof(k));
	if (parse(r, &k, e) || uc_key_create(&r->uc, &k, secret, e))
		return -1;
	return reply_json(r, 201, wire_key(&k, secret));
}

int h_key_list(struct req *r, struct err *e)
{
	struct api_key *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "key", &pg, e) || uc_key_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_key(&v[i], NULL));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_key_get(struct req *r, struct err *e)
{
	struct api_key k;
	const char *id;

	if (path_id(r, 0, "key", &id, e) || uc_key_get(&r->uc, id, &k, e))
		return -1;
	return reply_json(r, 200, wire_key(&k, NULL));
}

int h_key_delete(struct req *r, struct err *e)
{
	char hash[TOKEN_HASH_MAX];
	const char *id;

	if (path_id(r, 0, "key", &id, e) || uc_key_revoke(&r->uc, id, hash, e))
		return -1;
	/* This process stops honouring it at once; others within their cache's lifetime. */
	if (r->ctx->auth_cache)
		auth_cache_forget(r->ctx->auth_cache, hash);
	return reply_no_content(r);
}
