/* Schedule entries: series with assignees, recurring by RRULE, edited and deleted per
 * occurrence (scope this), from an occurrence on (future) or as a whole (all). Writes answer
 * with the conflicts the entry has with the bookings and other entries of its assignees. */
#include "usecase/uc_int.h"

#include <string.h>

#include "core/civil.h"
#include "util/ids.h"

#define CONFLICT_HORIZON_DAYS 366

/* Time an edit may free goes to the waitlist of each former assignee, from now on. */
#define FREED_HORIZON_SECONDS (400LL * 86400)

/* Every provider named in en (series and overrides), each once, into ids (room for n). */
static size_t assignees_of(const struct entry *en, const char **ids, size_t max)
{
	size_t n = 0, i, j, k;

	for (i = 0; i <= en->noverrides; i++) {
		const struct entry_fields *f = i < en->noverrides ? &en->overrides[i].f : &en->f;
		for (j = 0; j < f->nassignees && n < max; j++) {
			for (k = 0; k < n && strcmp(ids[k], f->assignee_ids[j]); k++)
				;
			if (k == n)
				ids[n++] = f->assignee_ids[j];
		}
	}
	return n;
}

/* True when the caller may act for every provider en names (at least one, for a read). */
static bool entry_covered(const struct uc_ctx *ctx, const struct entry *en, bool all)
{
	const char *ids[ENTRY_MAX_ASSIGNEES * 4];
	size_t n = assignees_of(en, ids, sizeof(ids) / sizeof(*ids)), i;

	if (!ctx->auth->scoped)
		return true;
	for (i = 0; i < n; i++)
		if (uc_covers(ctx, ids[i]) != all)
			return !all;
	return all;
}

/* Assignees the caller may not act for are as unknown as missing ones. */
static int assignees_in_reach(const struct uc_ctx *ctx, const struct entry_fields *f,
			      struct err *e)
{
	size_t i;

	for (i = 0; i < f->nassignees; i++) {
		char ptr[48];
		if (uc_covers(ctx, f->assignee_ids[i]))
			continue;
		snprintf(ptr, sizeof(ptr), "/assignee_ids/%zu", i);
		err_field(e, ptr, "provider %s does not exist", f->assignee_ids[i]);
	}
	return e->code ? -1 : 0;
}

static int entry_in_reach(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			  struct entry *out, struct err *e)
{
	if (tx_entry_get(tx, id, ctx->arena, out, e))
		return -1;
	if (!entry_covered(ctx, out, false))
		return err_set(e, ERR_NOT_FOUND, "entry %s not found", id);
	return 0;
}

/* The rendering of en for an event: the series, the scope of the edit and its occurrence. */
static json_t *entry_event(struct uc_ctx *ctx, const struct entry *en, const char *scope,
			   const int64_t *occurrence)
{
	const struct tz *z = entry_zone(en, ctx->env->tz);
	json_t *o = wire_entry(en, z);

	json_object_set_new(o, "scope", json_string(scope));
	json_object_set_new(o, "occurrence", occurrence ? wire_instant(*occurrence, z)
							: json_null());
	return o;
}

/* Conflicts of en's occurrences from from on with its assignees' calendars, read in tx. */
static int conflicts_of(struct uc_ctx *ctx, struct store_tx *tx, const struct entry *en,
			const char *other_id, int64_t from, struct uc_entry *out, struct err *e)
{
	int64_t to = from + (int64_t)CONFLICT_HORIZON_DAYS * 86400;
	struct calendar_src *cals;
	const char **ids;
	size_t n, i, k = 0;

	if (calendar_conflict_providers(en, ctx->env->tz, from, to, ctx->arena, &ids, &n, e))
		return -1;
	cals = arena_alloc(ctx->arena, (n + 1) * sizeof(*cals));
	for (i = 0; i < n; i++) {
		struct err lookup;
		err_init(&lookup);
		if (tx_calendar(tx, ids[i], from, to, floor_div(from, 86400), floor_div(to, 86400),
				ctx->arena, &cals[k], &lookup) == 0) {
			k++;
			continue;
		}
		if (lookup.code != ERR_NOT_FOUND) {
			*e = lookup;
			return -1;
		}
	}
	out->conflicts = arena_alloc(ctx->arena, CONFLICTS_MAX * sizeof(*out->conflicts));
	return calendar_conflicts(en, ctx->env->tz, from, to, cals, k, en->id, other_id,
				  ctx->arena, out->conflicts, &out->nconflicts, e);
}

/* Writes changed series en back (delete and insert, version + 1) with entry.updated
 * (before: its rendering before the change; stolen); a series left with no assignees
 * anywhere is deleted instead (entry.deleted, with before as its payload). */
static int entry_store(struct uc_ctx *ctx, struct store_tx *tx, struct entry *en,
		       json_t *before, const char *scope, const int64_t *occurrence,
		       struct err *e)
{
	const char *ids[1];

	if (tx_entry_delete(tx, en->id, e)) {
		json_decref(before);
		return -1;
	}
	if (assignees_of(en, ids, 1) == 0)
		return uc_emit(ctx, tx, "entry.deleted", en->id, before, NULL, e);
	en->version++;
	en->updated_at = ctx->now;
	if (tx_entry_insert(tx, en, entry_span_end(en, entry_zone(en, ctx->env->tz)), e)) {
		json_decref(before);
		return -1;
	}
	return uc_emit(ctx, tx, "entry.updated", en->id, entry_event(ctx, en, scope, occurrence),
		       before, e);
}

int uc_entry_drop_assignee(struct uc_ctx *ctx, struct store_tx *tx, const char *id,
			   const char *provider_id, struct err *e)
{
	struct entry en;
	json_t *before;
	size_t i;

	if (tx_entry_get(tx, id, ctx->arena, &en, e))
		return -1;
	before = entry_event(ctx, &en, "all", NULL);
	for (i = 0; i <= en.noverrides; i++) {
		struct entry_fields *f = i < en.noverrides ? &en.overrides[i].f : &en.f;
		size_t j, k;
		for (j = k = 0; j < f->nassignees; j++)
			if (strcmp(f->assignee_ids[j], provider_id) != 0)
				memcpy(f->assignee_ids[k++], f->assignee_ids[j], ID_MAX);
		f->nassignees = k;
	}
	return entry_store(ctx, tx, &en, before, "all", NULL, e);
}

/* --- create, read, list --- */

struct entry_new {
	const struct entry_patch *p;
	struct uc_entry *out;
};

static int entry_create_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct entry_new *en_new = arg;
	const struct entry_patch *p = en_new->p;
	struct entry *en = arena_alloc(ctx->arena, sizeof(*en));

	memset(en, 0, sizeof(*en));
	if (assignees_in_reach(ctx, &p->f, e))
		return -1;
	if (p->set & ENTRY_F_TIMEZONE) {
		memcpy(en->timezone, p->timezone, sizeof(en->timezone));
	} else {
		/* Default: the first assignee's zone. */
		const struct tz *pz = uc_provider_zone(ctx, tx, p->f.assignee_ids[0]);
		snprintf(en->timezone, sizeof(en->timezone), "%s", pz ? tz_name(pz) : "UTC");
	}
	en->start = p->start;
	en->end = p->end;
	if (entry_apply_series(en, p, ctx->env->tz, ctx->arena, e))
		return -1;
	id_new(en->id, "ent");
	en->version = 1;
	en->created_at = en->updated_at = ctx->now;
	if (tx_entry_insert(tx, en, entry_span_end(en, entry_zone(en, ctx->env->tz)), e) ||
	    uc_emit(ctx, tx, "entry.created", en->id, entry_event(ctx, en, "all", NULL), NULL, e))
		return -1;
	en_new->out->entry = en;
	en_new->out->zone = entry_zone(en, ctx->env->tz);
	return conflicts_of(ctx, tx, en, NULL, en->start, en_new->out, e);
}

int uc_entry_create(struct uc_ctx *ctx, const struct entry_patch *p, struct uc_entry *out,
		    struct err *e)
{
	struct entry_new en_new = {p, out};

	memset(out, 0, sizeof(*out));
	return uc_write(ctx, entry_create_tx, &en_new, e);
}

int uc_entry_get(struct uc_ctx *ctx, const char *id, struct entry *out, const struct tz **zone,
		 struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	int rc;

	if (!tx)
		return -1;
	rc = entry_in_reach(ctx, tx, id, out, e);
	uc_read_end(tx);
	if (rc == 0)
		*zone = entry_zone(out, ctx->env->tz);
	return rc;
}

int uc_entry_list(struct uc_ctx *ctx, const char *assignee_id, struct page pg,
		  struct entry **out, const struct tz ***zones, size_t *n, struct err *e)
{
	struct store_tx *tx = uc_read(ctx, STORE_SNAPSHOT, e);
	size_t i;
	int rc;

	if (!tx)
		return -1;
	rc = tx_entry_list(tx, assignee_id, uc_scope_key(ctx), pg, ctx->arena, out, n, e);
	uc_read_end(tx);
	if (rc)
		return -1;
	*zones = arena_alloc(ctx->arena, (*n + 1) * sizeof(**zones));
	for (i = 0; i < *n; i++)
		(*zones)[i] = entry_zone(&(*out)[i], ctx->env->tz);
	return 0;
}

/* --- scoped edits --- */

struct entry_edit {
	const char *id;
	enum uc_scope scope;
	const int64_t *occurrence;
	int if_match;
	const struct entry_patch *p;	/* NULL: delete */
	struct uc_entry *out;
	const char *freed[ENTRY_MAX_ASSIGNEES * 4];	/* assignees before the edit */
	size_t nfreed;
};

static const char *const scope_names[] = {"all", "this", "future"};

static int entry_edit_tx(struct uc_ctx *ctx, struct store_tx *tx, void *arg, struct err *e)
{
	struct entry_edit *ed = arg;
	enum uc_scope scope = ed->scope;
	struct entry *en = arena_alloc(ctx->arena, sizeof(*en)), *split = NULL;
	int64_t conflicts_from;
	const struct tz *z;
	json_t *before;

	memset(ed->out, 0, sizeof(*ed->out));
	if (entry_in_reach(ctx, tx, ed->id, en, e))
		return -1;
	if (!entry_covered(ctx, en, true) || (ed->p && assignees_in_reach(ctx, &ed->p->f, e)))
		return e->code ? -1 : err_set(e, ERR_NOT_FOUND, "entry %s not found", ed->id);
	if (ed->if_match > 0 && ed->if_match != en->version)
		return err_set(e, ERR_PRECONDITION, "entry %s is at version %d, not %d", ed->id,
			       en->version, ed->if_match);
	z = entry_zone(en, ctx->env->tz);
	if (ed->occurrence &&
	    (!entry_is_occurrence(en, z, *ed->occurrence) ||
	     entry_is_excluded(en, *ed->occurrence)))
		return err_field_code(e, ERR_INVALID, "occurrence", "is not an occurrence of entry %s",
				      en->id);
	/* Only an edit that can free time sends the waitlist round after it (a title, notes or
	 * work item cannot; the round reads up to 500 waiting entries). */
	if (!ed->p || (ed->p->set & ENTRY_F_FREES))
		ed->nfreed = assignees_of(en, ed->freed, sizeof(ed->freed) / sizeof(*ed->freed));
	/* A one-off entry, or the first occurrence with scope=future, is the whole series. */
	if (!en->recurring || (scope == UC_SCOPE_FUTURE && *ed->occurrence == en->start))
		scope = UC_SCOPE_ALL;
	before = entry_event(ctx, en, scope_names[ed->scope], ed->occurrence);
	conflicts_from = en->start;
	if (scope == UC_SCOPE_ALL && !ed->p) {
		if (tx_entry_delete(tx, en->id, e)) {
			json_decref(before);
			return -1;
		}
		return uc_emit(ctx, tx, "entry.deleted", en->id, before, NULL, e);
	}
	if (scope == UC_SCOPE_ALL) {
		if (entry_apply_series(en, ed->p, ctx->env->tz, ctx->arena, e))
			goto fail;
		conflicts_from = en->start;
	} else if (scope == UC_SCOPE_THIS && !ed->p) {
		if (en->nexdates >= ENTRY_MAX_EXDATES) {
			err_field_code(e, ERR_CONFLICT, "occurrence",
				       "the series already leaves out %d occurrences; change the rule"
				       " instead",
				       ENTRY_MAX_EXDATES);
			goto fail;
		}
		entry_exclude(en, *ed->occurrence, ctx->arena);
	} else if (scope == UC_SCOPE_THIS) {
		if (entry_apply_occurrence(en, *ed->occurrence, ed->p, ctx->arena, &conflicts_from,
					   e))
			goto fail;
	} else {
		split = entry_split(en, z, *ed->occurrence, ctx->now, ctx->arena);
		if (ed->p) {
			/* The new series takes the body; its rule is re-anchored at its start. */
			if (entry_apply_series(split, ed->p, ctx->env->tz, ctx->arena, e))
				goto fail;
			conflicts_from = split->start;
		} else {
			split = NULL;
		}
	}
	if (entry_store(ctx, tx, en, before, scope_names[ed->scope], ed->occurrence, e))
		return -1;
	if (split) {
		json_t *created;
		if (tx_entry_insert(tx, split, entry_span_end(split, entry_zone(split, ctx->env->tz)),
				    e))
			return -1;
		created = entry_event(ctx, split, scope_names[ed->scope], ed->occurrence);
		json_object_set_new(created, "split_from", json_string(en->id));
		if (uc_emit(ctx, tx, "entry.created", split->id, created, NULL, e))
			return -1;
		/* The answer is the new series; the old one now ends before it. */
		ed->out->entry = split;
		ed->out->split_from = arena_strdup(ctx->arena, en->id);
	} else {
		ed->out->entry = en;
	}
	ed->out->zone = entry_zone(ed->out->entry, ctx->env->tz);
	if (!ed->p)
		return 0;
	return conflicts_of(ctx, tx, ed->out->entry, split ? en->id : NULL, conflicts_from,
			    ed->out, e);
fail:
	json_decref(before);
	return -1;
}

int uc_entry_edit(struct uc_ctx *ctx, const char *id, enum uc_scope scope,
		  const int64_t *occurrence, int if_match, const struct entry_patch *p,
		  struct uc_entry *out, struct err *e)
{
	struct entry_edit ed;
	size_t i;

	memset(&ed, 0, sizeof(ed));
	ed.id = id;
	ed.scope = scope;
	ed.occurrence = occurrence;
	ed.if_match = if_match;
	ed.p = p;
	ed.out = out;
	if (uc_write(ctx, entry_edit_tx, &ed, e))
		return -1;
	for (i = 0; i < ed.nfreed; i++)
		uc_waitlist_freed(ctx, ed.freed[i], ctx->now, ctx->now + FREED_HORIZON_SECONDS);
	return 0;
}
