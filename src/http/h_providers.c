/* /v1/providers */
#include "http/handlers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/location.h"
#include "core/profile.h"
#include "http/h_common.h"
#include "http/json_in.h"
#include "util/ids.h"

static const char *const provider_keys[] = {"name", "timezone", "email", "settings",
					    "auto_confirm", "max_per_day", "max_consecutive",
					    "vacation", "bio", "specialties", "photo_url",
					    "languages", "locale", "video_url", NULL};
static const char *const settings_keys[] = {"auto_confirm", "max_per_day", "max_consecutive",
					    "vacation", NULL};

/* Settings may come nested under "settings" (as rendered) or at the top level. */
static void get_settings(json_t *o, const char *base, struct provider_patch *pp, struct err *e)
{
	struct provider *p = &pp->v;
	bool b;
	int i;

	if (json_get_bool(o, base, "auto_confirm", &b, e) == 1) {
		p->auto_confirm = b;
		pp->set |= PROVIDER_AUTO_CONFIRM;
	}
	if (json_is_null_at(o, "max_per_day")) {
		p->max_per_day = 0;
		pp->set |= PROVIDER_MAX_PER_DAY;
	} else if (json_get_int(o, base, "max_per_day", 1, 1000, &i, e) == 1) {
		p->max_per_day = i;
		pp->set |= PROVIDER_MAX_PER_DAY;
	}
	if (json_is_null_at(o, "max_consecutive")) {
		p->max_consecutive = 0;
		pp->set |= PROVIDER_MAX_CONSECUTIVE;
	} else if (json_get_int(o, base, "max_consecutive", 1, 1000, &i, e) == 1) {
		p->max_consecutive = i;
		pp->set |= PROVIDER_MAX_CONSECUTIVE;
	}
	if (json_get_bool(o, base, "vacation", &b, e) == 1) {
		p->vacation = b;
		pp->set |= PROVIDER_VACATION;
	}
}

/* An optional text: 1 with *out set (NULL for null), 0 when absent, -1 on error. The copy
 * lives in the request's arena. */
static int get_text(struct req *r, const char *key, size_t max, const char **out,
		    struct err *e)
{
	json_t *v = json_object_get(r->json, key);
	char ptr[32];

	snprintf(ptr, sizeof(ptr), "/%s", key);
	if (!v)
		return 0;
	if (json_is_null(v)) {
		*out = NULL;
		return 1;
	}
	if (!json_is_string(v) || json_string_length(v) != strlen(json_string_value(v)))
		return err_field(e, ptr, "must be a string or null");
	if (json_string_length(v) > max)
		return err_field(e, ptr, "must be at most %zu bytes", max);
	*out = json_string_length(v) ? arena_strdup(r->arena, json_string_value(v)) : NULL;
	return 1;
}

/* An optional list of distinct strings (specialties, or language tags with tags): 1 with
 * *out its JSON text (NULL for null or []), 0 when absent, -1 on error. */
static int get_list(struct req *r, const char *key, bool tags, const char **out,
		    struct err *e)
{
	json_t *v = json_object_get(r->json, key);
	json_t *item;
	size_t i, j;
	char *text;

	if (!v)
		return 0;
	if (json_is_null(v)) {
		*out = NULL;
		return 1;
	}
	if (!json_is_array(v))
		return err_field(e, tags ? "/languages" : "/specialties", "must be an array");
	if (json_array_size(v) > PROFILE_LIST_MAX)
		return err_field(e, tags ? "/languages" : "/specialties",
				 "must have at most %d items", PROFILE_LIST_MAX);
	json_array_foreach(v, i, item) {
		const char *str = json_string_value(item);
		char ptr[40];
		snprintf(ptr, sizeof(ptr), "/%s/%zu", key, i);
		if (!str || json_string_length(item) != strlen(str))
			return err_field(e, ptr, "must be a string");
		if (tags && !lang_tag_valid(str))
			return err_field(e, ptr, "must be a BCP 47 language tag such as en or pt-BR");
		if (!tags && (!*str || strlen(str) > PROFILE_SPECIALTY_MAX))
			return err_field(e, ptr, "must be 1 to %d bytes", PROFILE_SPECIALTY_MAX);
		/* Language tags are case-insensitive: "pt-BR" and "pt-br" are one language. */
		for (j = 0; j < i; j++) {
			const char *earlier = json_string_value(json_array_get(v, j));
			if (!(tags ? strcasecmp(str, earlier) : strcmp(str, earlier)))
				return err_field(e, ptr, "must not repeat an earlier item");
		}
	}
	if (!json_array_size(v)) {
		*out = NULL;
		return 1;
	}
	text = json_dumps(v, JSON_COMPACT);
	*out = arena_strdup(r->arena, text);
	free(text);
	return 1;
}

/* The profile fields: bio, specialties, photo_url, languages, locale, video_url. */
static void get_profile(struct req *r, struct provider_patch *pp, struct err *e)
{
	struct provider *p = &pp->v;

	if (get_text(r, "bio", PROFILE_BIO_MAX, &p->bio, e) == 1)
		pp->set |= PROVIDER_BIO;
	if (get_list(r, "specialties", false, &p->specialties, e) == 1)
		pp->set |= PROVIDER_SPECIALTIES;
	if (get_list(r, "languages", true, &p->languages, e) == 1)
		pp->set |= PROVIDER_LANGUAGES;
	if (get_text(r, "photo_url", PROFILE_PHOTO_URL_MAX, &p->photo_url, e) == 1) {
		if (p->photo_url && !web_url_valid(p->photo_url, PROFILE_PHOTO_URL_MAX))
			err_field(e, "/photo_url", "must be an http(s) URL");
		pp->set |= PROVIDER_PHOTO_URL;
	}
	if (get_text(r, "video_url", PROFILE_VIDEO_URL_MAX, &p->video_url, e) == 1) {
		if (p->video_url && !web_url_valid(p->video_url, PROFILE_VIDEO_URL_MAX))
			err_field(e, "/video_url", "must be an http(s) URL");
		pp->set |= PROVIDER_VIDEO_URL;
	}
	if (get_text(r, "locale", LOCALE_MAX - 1, &p->locale, e) == 1) {
		if (p->locale && !locale_supported(p->locale))
			err_field(e, "/locale", "must be a language messages are written in: en or de");
		pp->set |= PROVIDER_LOCALE;
	}
}

/* Reads the body into an edit; creating requires name and timezone. */
static int parse(struct req *r, struct provider_patch *pp, bool creating, struct err *e)
{
	json_t *o = r->json;
	json_t *settings = json_object_get(o, "settings");
	struct provider *p = &pp->v;
	int got;

	json_only_keys(o, "", provider_keys, e);
	got = json_get_str(o, "", "name", NAME_MAX_LEN, p->name, sizeof(p->name), e);
	if (got == 0 && (creating || json_is_null_at(o, "name")))
		json_required("", "name", e);
	else if (got > 0 && !*p->name)
		err_field(e, "/name", "must not be empty");
	else if (got > 0)
		pp->set |= PROVIDER_NAME;
	got = json_get_zone(o, "", "timezone", r->ctx->env.tz, p->timezone, e);
	if (got == 0 && (creating || json_is_null_at(o, "timezone")))
		json_required("", "timezone", e);
	else if (got > 0)
		pp->set |= PROVIDER_TIMEZONE;
	if (json_is_null_at(o, "email")) {
		p->email[0] = '\0';
		pp->set |= PROVIDER_EMAIL;
	} else if (json_get_str(o, "", "email", EMAIL_MAX_LEN, p->email, sizeof(p->email), e) ==
		   1) {
		if (!email_valid(p->email))
			err_field(e, "/email", "must be an e-mail address");
		pp->set |= PROVIDER_EMAIL;
	}
	get_settings(o, "", pp, e);
	get_profile(r, pp, e);
	if (settings && !json_is_null(settings)) {
		if (!json_is_object(settings)) {
			err_field(e, "/settings", "must be an object");
		} else {
			json_only_keys(settings, "/settings", settings_keys, e);
			get_settings(settings, "/settings", pp, e);
		}
	}
	return e->code ? -1 : 0;
}

int h_provider_create(struct req *r, struct err *e)
{
	struct provider_patch pp;
	struct provider p;

	memset(&pp, 0, sizeof(pp));
	memset(&p, 0, sizeof(p));
	p.auto_confirm = true;
	if (parse(r, &pp, true, e))
		return -1;
	provider_apply(&p, &pp);
	if (uc_provider_create(&r->uc, &p, e))
		return -1;
	return reply_json(r, 201, wire_provider(&p));
}

int h_provider_get(struct req *r, struct err *e)
{
	struct provider p;
	const char *id;

	if (path_id(r, 0, "prv", &id, e) || uc_provider_get(&r->uc, id, &p, NULL, e))
		return -1;
	return reply_json(r, 200, wire_provider(&p));
}

int h_provider_list(struct req *r, struct err *e)
{
	struct provider *v;
	struct page pg;
	json_t *items;
	size_t n, i;

	if (page_from_query(r, "prv", &pg, e) || uc_provider_list(&r->uc, pg, &v, &n, e))
		return -1;
	items = json_array();
	for (i = 0; i < n; i++)
		json_array_append_new(items, wire_provider(&v[i]));
	return reply_json(r, 200, page_reply(pg, items, n > 1 ? v[n - 2].id : NULL));
}

int h_provider_patch(struct req *r, struct err *e)
{
	struct provider_patch pp;
	struct provider p;
	const char *id;

	memset(&pp, 0, sizeof(pp));
	if (path_id(r, 0, "prv", &id, e) || parse(r, &pp, false, e) ||
	    uc_provider_update(&r->uc, id, &pp, &p, e))
		return -1;
	return reply_json(r, 200, wire_provider(&p));
}

int h_provider_delete(struct req *r, struct err *e)
{
	const char *force = req_query(r, "force");
	const char *id;

	if (force && strcmp(force, "true") && strcmp(force, "false"))
		return err_field_code(e, ERR_INVALID, "force", "must be true or false");
	if (path_id(r, 0, "prv", &id, e) ||
	    uc_provider_delete(&r->uc, id, force && !strcmp(force, "true"), e))
		return -1;
	return reply_no_content(r);
}
