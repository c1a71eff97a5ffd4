/* Providers, services and the tenant's policy defaults. */
#include "store/sql_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROVIDER_COLS                                                                          \
	"id, name, timezone, email, auto_confirm, max_per_day, max_consecutive, vacation,"     \
	" created_at, updated_at"
/* The profile's texts, read only when there is an arena to hold them (columns 10-15 after
 * PROVIDER_COLS). */
#define PROVIDER_PROFILE_COLS "bio, specialties, photo_url, languages, locale, video_url"

static const char *col_arena_text(struct stmt *s, int i, struct arena *a)
{
	const char *v = db_col_text(s, i);

	return v && *v ? arena_strdup(a, v) : NULL;
}

/* Reads the profile columns starting at column i into p's pointers (arena a). */
static void read_profile(struct stmt *s, int i, struct arena *a, struct provider *p)
{
	p->bio = col_arena_text(s, i, a);
	p->specialties = col_arena_text(s, i + 1, a);
	p->photo_url = col_arena_text(s, i + 2, a);
	p->languages = col_arena_text(s, i + 3, a);
	p->locale = col_arena_text(s, i + 4, a);
	p->video_url = col_arena_text(s, i + 5, a);
}

static void read_provider(struct stmt *s, struct arena *a, void *dst)
{
	struct provider *p = dst;

	(void)a;
	memset(p, 0, sizeof(*p));
	col_text(s, 0, p->id, sizeof(p->id));
	col_text(s, 1, p->name, sizeof(p->name));
	col_text(s, 2, p->timezone, sizeof(p->timezone));
	col_text(s, 3, p->email, sizeof(p->email));
	p->auto_confirm = db_col_int(s, 4) != 0;
	p->max_per_day = db_col_int(s, 5);
	p->max_consecutive = db_col_int(s, 6);
	p->vacation = db_col_int(s, 7) != 0;
	p->created_at = db_col_i64(s, 8);
	p->updated_at = db_col_i64(s, 9);
	if (a)
		read_profile(s, 10, a, p);
}

static void bind_provider(struct stmt *s, const char *tenant, const struct provider *p)
{
	bind_text(s, 1, tenant);
	bind_text(s, 2, p->id);
	bind_text(s, 3, p->name);
	bind_text(s, 4, p->timezone);
	bind_opt_text(s, 5, p->email);
	db_bind_i64(s, 6, p->auto_confirm);
	db_bind_i64(s, 7, p->max_per_day);
	db_bind_i64(s, 8, p->max_consecutive);
	db_bind_i64(s, 9, p->vacation);
	db_bind_i64(s, 10, p->created_at);
	db_bind_i64(s, 11, p->updated_at);
	bind_opt_text(s, 12, p->bio ? p->bio : "");
	bind_opt_text(s, 13, p->specialties ? p->specialties : "");
	bind_opt_text(s, 14, p->photo_url ? p->photo_url : "");
	bind_opt_text(s, 15, p->languages ? p->languages : "");
	bind_opt_text(s, 16, p->locale ? p->locale : "");
	bind_opt_text(s, 17, p->video_url ? p->video_url : "");
}

/* Plain UPDATE, never REPLACE: REPLACE deletes first and would cascade to dependent rows. */
static const char provider_insert_sql[] =
	"INSERT INTO providers(tenant_id, " PROVIDER_COLS ", " PROVIDER_PROFILE_COLS ")"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)";
static const char provider_update_sql[] =
	"UPDATE providers SET name = ?3, timezone = ?4, email = ?5, auto_confirm = ?6,"
	" max_per_day = ?7, max_consecutive = ?8, vacation = ?9, created_at = ?10,"
	" updated_at = ?11, bio = ?12, specialties = ?13, photo_url = ?14, languages = ?15,"
	" locale = ?16, video_url = ?17 WHERE tenant_id = ?1 AND id = ?2";

int tx_provider_insert(struct store_tx *tx, const struct provider *p, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, provider_insert_sql, e);

	if (!s)
		return -1;
	bind_provider(s, tx->tenant, p);
	return step_done(tx->c, s, "create provider", e);
}

int tx_provider_update(struct store_tx *tx, const struct provider *p, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, provider_update_sql, e);

	if (!s)
		return -1;
	bind_provider(s, tx->tenant, p);
	return step_done(tx->c, s, "update provider", e);
}

int tx_provider_get(struct store_tx *tx, const char *id, struct provider *out, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " PROVIDER_COLS " FROM providers WHERE tenant_id = ?1"
				   " AND id = ?2 AND deleted_at IS NULL",
				   id, "provider", e);

	if (!s)
		return -1;
	read_provider(s, NULL, out);
	db_reset(s);
	return 0;
}

int tx_provider_profile_read(struct store_tx *tx, const char *id, struct arena *a,
			     struct provider *p, struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " PROVIDER_PROFILE_COLS " FROM providers"
				   " WHERE tenant_id = ?1 AND id = ?2",
				   id, "provider", e);

	if (!s)
		return -1;
	read_profile(s, 0, a, p);
	db_reset(s);
	return 0;
}

int tx_provider_list(struct store_tx *tx, struct page pg, const char *scope_key,
		     struct arena *a, struct provider **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " PROVIDER_COLS ", " PROVIDER_PROFILE_COLS
				    " FROM providers WHERE tenant_id = ?1"
				    " AND id > ?2 AND deleted_at IS NULL AND (?4 IS NULL OR id IN"
				    " (SELECT provider_id FROM api_key_providers WHERE tenant_id = ?1"
				    " AND key_id = ?4 UNION ALL SELECT provider_id FROM users"
				    " WHERE tenant_id = ?1 AND id = ?4)) ORDER BY id LIMIT ?3",
				    e);
	if (s)
		bind_opt_text(s, 4, scope_key);
	return page_read(tx, s, pg, read_provider, sizeof(**out), a, (void **)out, n,
			 "list providers", e);
}

int tx_provider_zone(struct store_tx *tx, const char *id, char out[TZ_NAME_MAX],
		     struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT timezone FROM providers WHERE tenant_id = ?1 AND id = ?2",
				   id, "provider", e);

	if (!s)
		return -1;
	col_text(s, 0, out, TZ_NAME_MAX);
	db_reset(s);
	return 0;
}

/* What a provider owns, in the order foreign keys allow; each binds ?1 tenant, ?2 id. */
static const char *const provider_children[] = {
	"DELETE FROM service_providers WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM schedule_versions WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM overrides WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM time_off WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM holds WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM holiday_providers WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM api_key_providers WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM entry_override_assignees WHERE tenant_id = ?1 AND provider_id = ?2",
	"DELETE FROM entry_assignees WHERE tenant_id = ?1 AND provider_id = ?2",
	/* A holiday for chosen providers that lost its last one applies to nobody: drop it
	 * rather than leave a row that reads like a tenant-wide holiday. */
	"DELETE FROM holidays WHERE tenant_id = ?1 AND all_providers = 0"
	" AND NOT EXISTS (SELECT 1 FROM holiday_providers hp"
	"  WHERE hp.tenant_id = holidays.tenant_id AND hp.holiday_id = holidays.id)",
};

int tx_provider_delete(struct store_tx *tx, const char *id, bool keep_row, int64_t now,
		       struct err *e)
{
	struct provider p;
	struct stmt *s;
	size_t i;

	if (tx_provider_get(tx, id, &p, e))
		return -1;
	for (i = 0; i < sizeof(provider_children) / sizeof(*provider_children); i++) {
		if (!(s = conn_prep(tx->c, provider_children[i], e)))
			return -1;
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, id);
		if (step_done(tx->c, s, "delete what a provider owns", e))
			return -1;
	}
	if (!keep_row)
		return delete_row(tx, "DELETE FROM providers WHERE tenant_id = ?1 AND id = ?2", id,
				  NULL, "provider", e);
	s = conn_prep(tx->c, "UPDATE providers SET deleted_at = ?3 WHERE tenant_id = ?1 AND id = ?2",
		      e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "mark provider deleted", e);
}

/* One count(*) of a query binding ?1 tenant, ?2 provider and (when it has it) ?3 now. */
static int count_of(struct store_tx *tx, const char *sql, const char *id, int64_t now, int *out,
		    struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);
	int rc;

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	db_bind_i64(s, 3, now);
	rc = db_step(s);
	if (rc == DB_ROW)
		*out = db_col_int(s, 0);
	db_reset(s);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "count what depends on a provider", e);
}

int tx_provider_usage(struct store_tx *tx, const char *id, int64_t now,
		      struct provider_usage *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return count_of(tx,
			"SELECT count(*) FROM bookings WHERE tenant_id = ?1 AND provider_id = ?2"
			" AND active = 1 AND end_utc > ?3",
			id, now, &out->upcoming_bookings, e) ||
			       count_of(tx,
					"SELECT count(*) FROM bookings WHERE tenant_id = ?1"
					" AND provider_id = ?2",
					id, now, &out->bookings, e) ||
			       count_of(tx,
					"SELECT count(*) FROM (SELECT entry_id FROM entry_assignees"
					" WHERE tenant_id = ?1 AND provider_id = ?2 UNION SELECT"
					" entry_id FROM entry_override_assignees WHERE tenant_id = ?1"
					" AND provider_id = ?2) x",
					id, now, &out->entries, e)
		       ? -1
		       : 0;
}

static const char *const provider_ref_sql[] = {
	[REF_ENTRIES] = "SELECT entry_id FROM entry_assignees WHERE tenant_id = ?1"
			" AND provider_id = ?2 UNION SELECT entry_id FROM entry_override_assignees"
			" WHERE tenant_id = ?1 AND provider_id = ?2 ORDER BY 1",
	[REF_SERVICES] = "SELECT service_id FROM service_providers WHERE tenant_id = ?1"
			 " AND provider_id = ?2 ORDER BY 1",
	[REF_HOLIDAYS] = "SELECT holiday_id FROM holiday_providers WHERE tenant_id = ?1"
			 " AND provider_id = ?2 ORDER BY 1",
	/* Live keys only: a revoked key keeps its scope as history. */
	[REF_KEYS] = "SELECT p.key_id FROM api_key_providers p JOIN api_keys k"
		     " ON k.tenant_id = p.tenant_id AND k.id = p.key_id WHERE p.tenant_id = ?1"
		     " AND p.provider_id = ?2 AND k.revoked_at IS NULL ORDER BY 1",
};

int tx_provider_refs(struct store_tx *tx, enum provider_ref kind, const char *id,
		     struct arena *a, id_t_ **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, provider_ref_sql[kind], e);

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, id);
	return rows_read(tx->c, s, read_id_row, sizeof(**out), a, (void **)out, n,
			 "read what names a provider", e);
}

int tx_providers_exist(struct store_tx *tx, const id_t_ *ids, size_t n, const char *pointer,
		       struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct provider p;
		struct err lookup;
		char ptr[64];

		err_init(&lookup);
		if (tx_provider_get(tx, ids[i], &p, &lookup) == 0)
			continue;
		if (lookup.code != ERR_NOT_FOUND)
			return err_set(e, lookup.code, "%s", lookup.message);
		snprintf(ptr, sizeof(ptr), "%s/%zu", pointer, i);
		err_field(e, ptr, "provider %s does not exist", ids[i]);
	}
	return e->code ? -1 : 0;
}

/* --- services --- */

#define SERVICE_COLS                                                                           \
	"id, name, duration_min, price, currency, buffer_before_min, buffer_after_min,"         \
	" step_min, min_notice_min, max_advance_days, capacity, created_at, updated_at,"       \
	" policy, requires_approval, reminder_offsets, is_public, location"

static const char service_insert_sql[] =
	"INSERT INTO services(tenant_id, " SERVICE_COLS ")"
	" VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,"
	" ?18, ?19)";
static const char service_update_sql[] =
	"UPDATE services SET name = ?3, duration_min = ?4, price = ?5, currency = ?6,"
	" buffer_before_min = ?7, buffer_after_min = ?8, step_min = ?9, min_notice_min = ?10,"
	" max_advance_days = ?11, capacity = ?12, created_at = ?13, updated_at = ?14,"
	" policy = ?15, requires_approval = ?16, reminder_offsets = ?17, is_public = ?18,"
	" location = ?19"
	" WHERE tenant_id = ?1 AND id = ?2";

static void read_service(struct stmt *s, struct arena *a, void *dst)
{
	struct service *v = dst;

	(void)a;
	memset(v, 0, sizeof(*v));
	col_text(s, 0, v->id, sizeof(v->id));
	col_text(s, 1, v->name, sizeof(v->name));
	v->duration_min = db_col_int(s, 2);
	col_text(s, 3, v->price, sizeof(v->price));
	col_text(s, 4, v->currency, sizeof(v->currency));
	v->buffer_before_min = db_col_int(s, 5);
	v->buffer_after_min = db_col_int(s, 6);
	v->step_min = db_col_int(s, 7);
	v->min_notice_min = db_col_int(s, 8);
	v->max_advance_days = db_col_int(s, 9);
	v->capacity = db_col_int(s, 10);
	v->created_at = db_col_i64(s, 11);
	v->updated_at = db_col_i64(s, 12);
	policy_decode(db_col_text(s, 13), &v->policy);
	v->requires_approval = db_col_int(s, 14) != 0;
	reminder_offsets_decode(db_col_text(s, 15), &v->reminders);
	v->public = db_col_int(s, 16) != 0;
	if (a && !db_col_null(s, 17)) {
		struct location *l = arena_alloc(a, sizeof(*l));
		if (location_decode(db_col_text(s, 17), l) == 0 && l->kind != LOCATION_NONE)
			v->location = l;
	}
}

static int service_providers_read(struct store_tx *tx, struct service *v, struct arena *a,
				  struct err *e)
{
	/* Every provider: a service may have thousands (no cap); by id. */
	struct stmt *s = conn_prep(tx->c,
				    "SELECT provider_id FROM service_providers WHERE tenant_id = ?1"
				    " AND service_id = ?2 ORDER BY provider_id",
				    e);

	v->provider_ids = NULL;
	v->nproviders = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, v->id);
	if (rows_read(tx->c, s, read_id_row, sizeof(*v->provider_ids), a,
		      (void **)&v->provider_ids, &v->nproviders, "read service providers", e))
		return -1;
	if (!v->provider_ids)
		v->provider_ids = arena_alloc(a, sizeof(*v->provider_ids));
	return service_offers_read(tx, v, a, e);
}

int tx_service_get(struct store_tx *tx, const char *id, struct arena *a, struct service *out,
		   struct err *e)
{
	struct stmt *s = row_by_id(tx,
				   "SELECT " SERVICE_COLS
				   " FROM services WHERE tenant_id = ?1 AND id = ?2",
				   id, "service", e);

	if (!s)
		return -1;
	read_service(s, a, out);
	db_reset(s);
	return service_providers_read(tx, out, a, e);
}

static int id_cmp(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* True when id is in the sorted ids[0..n). */
static bool ids_has(const id_t_ *ids, size_t n, const char *id)
{
	return n && bsearch(id, ids, n, sizeof(*ids), id_cmp) != NULL;
}

static int link_step(struct store_tx *tx, const char *sql, const char *service_id,
		     const char *provider_id, const char *what, struct err *e)
{
	struct stmt *s = conn_prep(tx->c, sql, e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	bind_text(s, 3, provider_id);
	return step_done(tx->c, s, what, e);
}

static const char link_insert_sql[] =
	"INSERT INTO service_providers(tenant_id, service_id, provider_id)"
	" VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING";
static const char link_delete_sql[] =
	"DELETE FROM service_providers WHERE tenant_id = ?1 AND service_id = ?2"
	" AND provider_id = ?3";

/* Makes the service's provider links v->provider_ids: only the difference with the stored
 * links is written, and only providers new to it are checked to exist (at
 * /provider_ids/<index>), so an edit of a service with thousands of providers costs what
 * it changes. */
static int service_links_write(struct store_tx *tx, const struct service *v, bool create,
			       struct err *e)
{
	struct arena *a = arena_new();
	id_t_ *now = NULL, *want;
	size_t nnow = 0, i;
	struct stmt *s;
	int rc = -1;

	if (!a)
		return err_set(e, ERR_INTERNAL, "out of memory");
	if (!create) {
		s = conn_prep(tx->c,
			      "SELECT provider_id FROM service_providers WHERE tenant_id = ?1"
			      " AND service_id = ?2 ORDER BY provider_id",
			      e);
		if (!s)
			goto out;
		bind_text(s, 1, tx->tenant);
		bind_text(s, 2, v->id);
		if (rows_read(tx->c, s, read_id_row, sizeof(*now), a, (void **)&now, &nnow,
			      "read service providers", e))
			goto out;
	}
	/* Providers new to the service must exist; reported at their index in the body. */
	for (i = 0; i < v->nproviders; i++) {
		struct provider p;
		struct err lookup;
		char ptr[64];

		if (ids_has(now, nnow, v->provider_ids[i]))
			continue;
		err_init(&lookup);
		if (tx_provider_get(tx, v->provider_ids[i], &p, &lookup) == 0)
			continue;
		if (lookup.code != ERR_NOT_FOUND) {
			err_set(e, lookup.code, "%s", lookup.message);
			goto out;
		}
		snprintf(ptr, sizeof(ptr), "/provider_ids/%zu", i);
		err_field(e, ptr, "provider %s does not exist", v->provider_ids[i]);
	}
	if (e->code)
		goto out;
	want = arena_alloc(a, (v->nproviders + 1) * sizeof(*want));
	memcpy(want, v->provider_ids, v->nproviders * sizeof(*want));
	qsort(want, v->nproviders, sizeof(*want), id_cmp);
	for (i = 0; i < nnow; i++)
		if (!ids_has(want, v->nproviders, now[i]) &&
		    link_step(tx, link_delete_sql, v->id, now[i], "unlink provider", e))
			goto out;
	for (i = 0; i < v->nproviders; i++)
		if (!ids_has(now, nnow, want[i]) &&
		    link_step(tx, link_insert_sql, v->id, want[i], "link provider", e))
			goto out;
	rc = 0;
out:
	arena_free(a);
	return rc;
}

int tx_service_providers_add(struct store_tx *tx, const char *service_id, const id_t_ *ids,
			     size_t n, const struct service *current, bool *added,
			     struct err *e)
{
	size_t i;

	for (i = 0; i < n; i++) {
		struct provider p;
		struct err lookup;
		char ptr[64];

		added[i] = false;
		if (ids_has(current->provider_ids, current->nproviders, ids[i]))
			continue;
		err_init(&lookup);
		if (tx_provider_get(tx, ids[i], &p, &lookup) == 0) {
			added[i] = true;
			continue;
		}
		if (lookup.code != ERR_NOT_FOUND)
			return err_set(e, lookup.code, "%s", lookup.message);
		snprintf(ptr, sizeof(ptr), "/provider_ids/%zu", i);
		err_field(e, ptr, "provider %s does not exist", ids[i]);
	}
	if (e->code)
		return -1;
	for (i = 0; i < n; i++)
		if (added[i] &&
		    link_step(tx, link_insert_sql, service_id, ids[i], "link provider", e))
			return -1;
	return 0;
}

int tx_service_provider_remove(struct store_tx *tx, const char *service_id,
			       const char *provider_id, struct err *e)
{
	return link_step(tx, link_delete_sql, service_id, provider_id, "unlink provider", e);
}

int tx_service_providers_page(struct store_tx *tx, const char *service_id, const char *after,
			      size_t limit, struct arena *a, id_t_ **out, size_t *n,
			      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT provider_id FROM service_providers WHERE tenant_id = ?1"
				    " AND service_id = ?2 AND provider_id > ?3 ORDER BY provider_id"
				    " LIMIT ?4",
				    e);

	*out = NULL;
	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	bind_text(s, 3, after ? after : "");
	db_bind_i64(s, 4, (int64_t)limit);
	return rows_read(tx->c, s, read_id_row, sizeof(**out), a, (void **)out, n,
			 "read service providers", e);
}

int tx_service_touch(struct store_tx *tx, const char *service_id, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "UPDATE services SET updated_at = ?3 WHERE tenant_id = ?1 AND id = ?2",
				    e);

	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "touch service", e);
}

int tx_service_provider_count(struct store_tx *tx, const char *service_id, size_t *n,
			      struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT count(*) FROM service_providers WHERE tenant_id = ?1"
				    " AND service_id = ?2",
				    e);
	int rc;

	*n = 0;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, service_id);
	rc = db_step(s);
	if (rc == DB_ROW)
		*n = (size_t)db_col_i64(s, 0);
	db_reset(s);
	return rc == DB_ROW ? 0 : sql_fail(tx->c, rc, "count service providers", e);
}

/* Writes the service row and replaces its provider links, checking each provider exists;
 * the providers kept keep their own price and duration (v->offers). */
static int service_write(struct store_tx *tx, const struct service *v, bool create,
			 struct err *e)
{
	struct conn *c = tx->c;
	const char *tenant = tx->tenant;
	struct stmt *s = conn_prep(c, create ? service_insert_sql : service_update_sql, e);
	char policy[POLICY_TEXT_MAX], reminders[REMINDER_TEXT_MAX];
	char location[LOCATION_TEXT_MAX];

	if (!s)
		return -1;
	bind_text(s, 1, tenant);
	bind_text(s, 2, v->id);
	bind_text(s, 3, v->name);
	db_bind_i64(s, 4, v->duration_min);
	bind_opt_text(s, 5, v->price);
	bind_opt_text(s, 6, v->currency);
	db_bind_i64(s, 7, v->buffer_before_min);
	db_bind_i64(s, 8, v->buffer_after_min);
	db_bind_i64(s, 9, v->step_min);
	db_bind_i64(s, 10, v->min_notice_min);
	db_bind_i64(s, 11, v->max_advance_days);
	db_bind_i64(s, 12, v->capacity);
	db_bind_i64(s, 13, v->created_at);
	db_bind_i64(s, 14, v->updated_at);
	policy_encode(&v->policy, policy);
	bind_text(s, 15, policy);
	db_bind_i64(s, 16, v->requires_approval);
	reminder_offsets_encode(&v->reminders, reminders);
	bind_opt_text(s, 17, reminders);
	db_bind_i64(s, 18, v->public);
	if (v->location)
		location_encode(v->location, location, sizeof(location));
	else
		location[0] = '\0';
	bind_opt_text(s, 19, location);
	if (step_done(c, s, "write service", e))
		return -1;
	if (service_links_write(tx, v, create, e))
		return -1;
	/* The providers it keeps keep their own price and duration. */
	return service_offers_keep(tx, v, e);
}

int tx_service_insert(struct store_tx *tx, const struct service *v, struct err *e)
{
	return service_write(tx, v, true, e);
}

int tx_service_list(struct store_tx *tx, struct page pg, struct arena *a,
		    struct service **out, size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " SERVICE_COLS " FROM services WHERE tenant_id = ?1"
				    " AND id > ?2 ORDER BY id LIMIT ?3",
				    e);
	size_t i;

	if (page_read(tx, s, pg, read_service, sizeof(**out), a, (void **)out, n,
		      "list services", e))
		return -1;
	for (i = 0; i < *n; i++)
		if (service_providers_read(tx, &(*out)[i], a, e))
			return -1;
	return 0;
}

int tx_service_list_public(struct store_tx *tx, struct arena *a, struct service **out,
			   size_t *n, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "SELECT " SERVICE_COLS " FROM services WHERE tenant_id = ?1"
				    " AND is_public <> 0 ORDER BY id",
				    e);
	size_t i;

	*n = 0;
	*out = NULL;
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	if (rows_read(tx->c, s, read_service, sizeof(**out), a, (void **)out, n,
		      "list public services", e))
		return -1;
	for (i = 0; i < *n; i++)
		if (service_providers_read(tx, &(*out)[i], a, e))
			return -1;
	return 0;
}

/* A service that now has seats (capacity above 1) turns its active one-to-one bookings into
 * seats: each is then the first seat of the session at its start, as a booking made now
 * would be, and PostgreSQL's exclusion constraint groups them with the seats booked later. */
static int bookings_join_groups(struct store_tx *tx, const struct service *v, struct err *e)
{
	struct stmt *s;

	if (v->capacity <= 1)
		return 0;
	s = conn_prep(tx->c, "UPDATE bookings SET capacity = ?3 WHERE tenant_id = ?1"
			     " AND service_id = ?2 AND active = 1 AND capacity = 1", e);
	if (!s)
		return -1;
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, v->id);
	db_bind_i64(s, 3, v->capacity);
	return step_done(tx->c, s, "regroup bookings", e);
}

int tx_service_update(struct store_tx *tx, const struct service *v, struct err *e)
{
	return service_write(tx, v, false, e) || bookings_join_groups(tx, v, e) ? -1 : 0;
}

int tx_service_delete(struct store_tx *tx, const char *id, struct err *e)
{
	return delete_row(tx, "DELETE FROM services WHERE tenant_id = ?1 AND id = ?2", id, NULL,
			  "service", e);
}

/* --- tenant settings (a column of the policy row) --- */

static void read_settings(struct stmt *s, struct arena *a, void *dst)
{
	struct tenant_settings *out = dst;
	const char *t = db_col_text(s, 0);

	(void)a;
	if (t && sscanf(t, "%u/%u", &out->key_quota, &out->key_window) == 2)
		out->key_limit_set = true;
	col_text(s, 1, out->locale, sizeof(out->locale));
	booking_page_decode(db_col_text(s, 2), &out->page);
}

int tx_settings_get(struct store_tx *tx, struct tenant_settings *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return tenant_row_read(tx,
			       "SELECT rate_limit_key, locale, booking_page FROM tenant_policy"
			       " WHERE tenant_id = ?1",
			       read_settings, out, "read settings", e) < 0
		       ? -1
		       : 0;
}

int tx_settings_put(struct store_tx *tx, const struct tenant_settings *set, int64_t now,
		    struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO tenant_policy(tenant_id, policy, updated_at,"
				    " rate_limit_key, locale, booking_page) VALUES (?1, '', ?3, ?2, ?4, ?5)"
				    " ON CONFLICT(tenant_id) DO UPDATE SET rate_limit_key = ?2,"
				    " updated_at = ?3, locale = ?4, booking_page = ?5",
				    e);
	char text[32], page[BOOKING_PAGE_TEXT_MAX];

	if (!s)
		return -1;
	snprintf(text, sizeof(text), "%u/%u", set->key_quota, set->key_window);
	bind_text(s, 1, tx->tenant);
	bind_opt_text(s, 2, set->key_limit_set ? text : NULL);
	db_bind_i64(s, 3, now);
	bind_opt_text(s, 4, set->locale);
	booking_page_encode(&set->page, page);
	bind_opt_text(s, 5, page);
	return step_done(tx->c, s, "store settings", e);
}

/* --- tenant policy defaults --- */

static void read_policy(struct stmt *s, struct arena *a, void *dst)
{
	(void)a;
	policy_decode(db_col_text(s, 0), dst);
}

int tx_policy_get(struct store_tx *tx, struct policy *out, struct err *e)
{
	memset(out, 0, sizeof(*out));
	return tenant_row_read(tx, "SELECT policy FROM tenant_policy WHERE tenant_id = ?1",
			       read_policy, out, "read policy", e) < 0
		       ? -1
		       : 0;
}

int tx_policy_put(struct store_tx *tx, const struct policy *p, int64_t now, struct err *e)
{
	struct stmt *s = conn_prep(tx->c,
				    "INSERT INTO tenant_policy(tenant_id, policy, updated_at)"
				    " VALUES (?1, ?2, ?3) ON CONFLICT(tenant_id) DO UPDATE"
				    " SET policy = ?2, updated_at = ?3",
				    e);
	char text[POLICY_TEXT_MAX];

	if (!s)
		return -1;
	policy_encode(p, text);
	bind_text(s, 1, tx->tenant);
	bind_text(s, 2, text);
	db_bind_i64(s, 3, now);
	return step_done(tx->c, s, "store policy", e);
}
