/* The zones of an external document's times: a TZID is read as an IANA name (also behind a
 * "/…/" prefix), as a Windows name, or through the document's own VTIMEZONE.
 *
 * Windows names are those Outlook and Exchange write; the table holds the territory-"001"
 * (default) rows of CLDR's windowsZones mapping, with current IANA names where CLDR keeps an
 * older alias (Asia/Kolkata for Asia/Calcutta, Europe/Kyiv for Europe/Kiev, America/Nuuk for
 * America/Godthab, ...). Sorted by byte order of the Windows name for bsearch: keep it so
 * when adding rows. */
#include "core/extcal.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/extcal_int.h"
#include "util/hash.h"
#include "util/mem.h"

#define DAY ((int64_t)86400)

struct winzone {
	const char *windows;
	const char *iana;
};

static const struct winzone winzones[] = {
    {"AUS Central Standard Time", "Australia/Darwin"},
    {"AUS Eastern Standard Time", "Australia/Sydney"},
    {"Afghanistan Standard Time", "Asia/Kabul"},
    {"Alaskan Standard Time", "America/Anchorage"},
    {"Aleutian Standard Time", "America/Adak"},
    {"Altai Standard Time", "Asia/Barnaul"},
    {"Arab Standard Time", "Asia/Riyadh"},
    {"Arabian Standard Time", "Asia/Dubai"},
    {"Arabic Standard Time", "Asia/Baghdad"},
    {"Argentina Standard Time", "America/Argentina/Buenos_Aires"},
    {"Astrakhan Standard Time", "Europe/Astrakhan"},
    {"Atlantic Standard Time", "America/Halifax"},
    {"Aus Central W. Standard Time", "Australia/Eucla"},
    {"Azerbaijan Standard Time", "Asia/Baku"},
    {"Azores Standard Time", "Atlantic/Azores"},
    {"Bahia Standard Time", "America/Bahia"},
    {"Bangladesh Standard Time", "Asia/Dhaka"},
    {"Belarus Standard Time", "Europe/Minsk"},
    {"Bougainville Standard Time", "Pacific/Bougainville"},
    {"Canada Central Standard Time", "America/Regina"},
    {"Cape Verde Standard Time", "Atlantic/Cape_Verde"},
    {"Caucasus Standard Time", "Asia/Yerevan"},
    {"Cen. Australia Standard Time", "Australia/Adelaide"},
    {"Central America Standard Time", "America/Guatemala"},
    {"Central Asia Standard Time", "Asia/Bishkek"},
    {"Central Brazilian Standard Time", "America/Cuiaba"},
    {"Central Europe Standard Time", "Europe/Budapest"},
    {"Central European Standard Time", "Europe/Warsaw"},
    {"Central Pacific Standard Time", "Pacific/Guadalcanal"},
    {"Central Standard Time", "America/Chicago"},
    {"Central Standard Time (Mexico)", "America/Mexico_City"},
    {"Chatham Islands Standard Time", "Pacific/Chatham"},
    {"China Standard Time", "Asia/Shanghai"},
    {"Cuba Standard Time", "America/Havana"},
    {"Dateline Standard Time", "Etc/GMT+12"},
    {"E. Africa Standard Time", "Africa/Nairobi"},
    {"E. Australia Standard Time", "Australia/Brisbane"},
    {"E. Europe Standard Time", "Europe/Chisinau"},
    {"E. South America Standard Time", "America/Sao_Paulo"},
    {"Easter Island Standard Time", "Pacific/Easter"},
    {"Eastern Standard Time", "America/New_York"},
    {"Eastern Standard Time (Mexico)", "America/Cancun"},
    {"Egypt Standard Time", "Africa/Cairo"},
    {"Ekaterinburg Standard Time", "Asia/Yekaterinburg"},
    {"FLE Standard Time", "Europe/Kyiv"},
    {"Fiji Standard Time", "Pacific/Fiji"},
    {"GMT Standard Time", "Europe/London"},
    {"GTB Standard Time", "Europe/Bucharest"},
    {"Georgian Standard Time", "Asia/Tbilisi"},
    {"Greenland Standard Time", "America/Nuuk"},
    {"Greenwich Standard Time", "Atlantic/Reykjavik"},
    {"Haiti Standard Time", "America/Port-au-Prince"},
    {"Hawaiian Standard Time", "Pacific/Honolulu"},
    {"India Standard Time", "Asia/Kolkata"},
    {"Iran Standard Time", "Asia/Tehran"},
    {"Israel Standard Time", "Asia/Jerusalem"},
    {"Jordan Standard Time", "Asia/Amman"},
    {"Kaliningrad Standard Time", "Europe/Kaliningrad"},
    {"Kamchatka Standard Time", "Asia/Kamchatka"},
    {"Korea Standard Time", "Asia/Seoul"},
    {"Libya Standard Time", "Africa/Tripoli"},
    {"Line Islands Standard Time", "Pacific/Kiritimati"},
    {"Lord Howe Standard Time", "Australia/Lord_Howe"},
    {"Magadan Standard Time", "Asia/Magadan"},
    {"Magallanes Standard Time", "America/Punta_Arenas"},
    {"Marquesas Standard Time", "Pacific/Marquesas"},
    {"Mauritius Standard Time", "Indian/Mauritius"},
    {"Mid-Atlantic Standard Time", "Etc/GMT+2"},
    {"Middle East Standard Time", "Asia/Beirut"},
    {"Montevideo Standard Time", "America/Montevideo"},
    {"Morocco Standard Time", "Africa/Casablanca"},
    {"Mountain Standard Time", "America/Denver"},
    {"Mountain Standard Time (Mexico)", "America/Mazatlan"},
    {"Myanmar Standard Time", "Asia/Yangon"},
    {"N. Central Asia Standard Time", "Asia/Novosibirsk"},
    {"Namibia Standard Time", "Africa/Windhoek"},
    {"Nepal Standard Time", "Asia/Kathmandu"},
    {"New Zealand Standard Time", "Pacific/Auckland"},
    {"Newfoundland Standard Time", "America/St_Johns"},
    {"Norfolk Standard Time", "Pacific/Norfolk"},
    {"North Asia East Standard Time", "Asia/Irkutsk"},
    {"North Asia Standard Time", "Asia/Krasnoyarsk"},
    {"North Korea Standard Time", "Asia/Pyongyang"},
    {"Omsk Standard Time", "Asia/Omsk"},
    {"Pacific SA Standard Time", "America/Santiago"},
    {"Pacific Standard Time", "America/Los_Angeles"},
    {"Pacific Standard Time (Mexico)", "America/Tijuana"},
    {"Pakistan Standard Time", "Asia/Karachi"},
    {"Paraguay Standard Time", "America/Asuncion"},
    {"Qyzylorda Standard Time", "Asia/Qyzylorda"},
    {"Romance Standard Time", "Europe/Paris"},
    {"Russia Time Zone 10", "Asia/Srednekolymsk"},
    {"Russia Time Zone 11", "Asia/Kamchatka"},
    {"Russia Time Zone 3", "Europe/Samara"},
    {"Russian Standard Time", "Europe/Moscow"},
    {"SA Eastern Standard Time", "America/Cayenne"},
    {"SA Pacific Standard Time", "America/Bogota"},
    {"SA Western Standard Time", "America/La_Paz"},
    {"SE Asia Standard Time", "Asia/Bangkok"},
    {"Saint Pierre Standard Time", "America/Miquelon"},
    {"Sakhalin Standard Time", "Asia/Sakhalin"},
    {"Samoa Standard Time", "Pacific/Apia"},
    {"Sao Tome Standard Time", "Africa/Sao_Tome"},
    {"Saratov Standard Time", "Europe/Saratov"},
    {"Singapore Standard Time", "Asia/Singapore"},
    {"South Africa Standard Time", "Africa/Johannesburg"},
    {"South Sudan Standard Time", "Africa/Juba"},
    {"Sri Lanka Standard Time", "Asia/Colombo"},
    {"Sudan Standard Time", "Africa/Khartoum"},
    {"Syria Standard Time", "Asia/Damascus"},
    {"Taipei Standard Time", "Asia/Taipei"},
    {"Tasmania Standard Time", "Australia/Hobart"},
    {"Tocantins Standard Time", "America/Araguaina"},
    {"Tokyo Standard Time", "Asia/Tokyo"},
    {"Tomsk Standard Time", "Asia/Tomsk"},
    {"Tonga Standard Time", "Pacific/Tongatapu"},
    {"Transbaikal Standard Time", "Asia/Chita"},
    {"Turkey Standard Time", "Europe/Istanbul"},
    {"Turks And Caicos Standard Time", "America/Grand_Turk"},
    {"US Eastern Standard Time", "America/Indiana/Indianapolis"},
    {"US Mountain Standard Time", "America/Phoenix"},
    {"UTC", "Etc/UTC"},
    {"UTC+12", "Etc/GMT-12"},
    {"UTC+13", "Etc/GMT-13"},
    {"UTC-02", "Etc/GMT+2"},
    {"UTC-08", "Etc/GMT+8"},
    {"UTC-09", "Etc/GMT+9"},
    {"UTC-11", "Etc/GMT+11"},
    {"Ulaanbaatar Standard Time", "Asia/Ulaanbaatar"},
    {"Venezuela Standard Time", "America/Caracas"},
    {"Vladivostok Standard Time", "Asia/Vladivostok"},
    {"Volgograd Standard Time", "Europe/Volgograd"},
    {"W. Australia Standard Time", "Australia/Perth"},
    {"W. Central Africa Standard Time", "Africa/Lagos"},
    {"W. Europe Standard Time", "Europe/Berlin"},
    {"W. Mongolia Standard Time", "Asia/Hovd"},
    {"West Asia Standard Time", "Asia/Tashkent"},
    {"West Bank Standard Time", "Asia/Hebron"},
    {"West Pacific Standard Time", "Pacific/Port_Moresby"},
    {"Yakutsk Standard Time", "Asia/Yakutsk"},
    {"Yukon Standard Time", "America/Whitehorse"},
    /* Outlook.com names UTC this way on events from other Microsoft services, with no
     * VTIMEZONE block of that name. */
    {"tzone://Microsoft/Utc", "Etc/UTC"},
};

static int winzone_cmp(const void *key, const void *elem)
{
	return strcmp(key, ((const struct winzone *)elem)->windows);
}

const char *extcal_windows_zone(const char *name)
{
	const struct winzone *z;

	if (!name)
		return NULL;
	z = bsearch(name, winzones, sizeof(winzones) / sizeof(winzones[0]), sizeof(winzones[0]),
		    winzone_cmp);
	return z ? z->iana : NULL;
}

/* Instants past these read a document's zone at the bound: libical expands a VTIMEZONE's
 * rules year by year up to the year asked for, and a DTEND in 7026 would cost 0.1 s. */
#define ZONE_FROM (-2208988800LL) /* 1900-01-01T00:00Z */
#define ZONE_UNTIL 7258118400LL	  /* 2200-01-01T00:00Z */

static int ical_offset(icaltimezone *z, int64_t utc)
{
	struct icaltimetype tt;
	int is_dst;

	utc = utc < ZONE_FROM ? ZONE_FROM : utc > ZONE_UNTIL ? ZONE_UNTIL : utc;
	tt = icaltime_from_timet_with_zone((time_t)utc, 0, icaltimezone_get_utc_timezone());

	return icaltimezone_get_utc_offset_of_utc_time(z, &tt, &is_dst);
}

/* Local -> UTC in a document's own zone with tz_to_utc's rule (a gap takes the offset
 * before it, an overlap the first instant): libical's own conversion gets both wrong. */
static int64_t ical_to_utc(icaltimezone *z, int64_t wall)
{
	int before = ical_offset(z, wall - DAY), after = ical_offset(z, wall + DAY);
	int64_t a = wall - before, b = wall - after;
	bool a_ok = ical_offset(z, a) == before, b_ok = ical_offset(z, b) == after;

	if (a_ok && b_ok)
		return a < b ? a : b;
	if (b_ok)
		return b;
	return a;
}

int64_t extcal_zone_to_utc(const struct extcal_zone *z, int64_t wall)
{
	return z->ical ? ical_to_utc(z->ical, wall) : tz_to_utc(z->tz, wall);
}

int64_t extcal_zone_to_wall(const struct extcal_zone *z, int64_t utc)
{
	return z->ical ? utc + ical_offset(z->ical, utc) : tz_to_wall(z->tz, utc);
}

/* True when a BYDAY ordinal of rule cannot match within its month (BYMONTH given) or year:
 * libical would look for it year after year. */
static bool impossible_ordinal(const struct icalrecurrencetype *rule)
{
	int lim = rule->by_month[0] != ICAL_RECURRENCE_ARRAY_MAX ? 5 : 53, i;

	for (i = 0; i < ICAL_BY_DAY_SIZE && rule->by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
		if (abs(icalrecurrencetype_day_position(rule->by_day[i])) > lim)
			return true;
	return false;
}

/* A VTIMEZONE libical can expand cheaply: yearly rules without sub-day parts. libical
 * expands every rule of a zone up to the years asked for, so a FREQ=SECONDLY rule would
 * make millions of transitions. */
static bool vtimezone_sane(icalcomponent *vtz)
{
	icalcomponent *sub;
	size_t nsub = 0;

	for (sub = icalcomponent_get_first_component(vtz, ICAL_ANY_COMPONENT); sub;
	     sub = icalcomponent_get_next_component(vtz, ICAL_ANY_COMPONENT)) {
		icalcomponent_kind k = icalcomponent_isa(sub);
		icalproperty *p;

		if (k != ICAL_XSTANDARD_COMPONENT && k != ICAL_XDAYLIGHT_COMPONENT)
			continue;
		if (++nsub > 64 || !icalcomponent_get_first_property(sub, ICAL_DTSTART_PROPERTY) ||
		    !icalcomponent_get_first_property(sub, ICAL_TZOFFSETTO_PROPERTY))
			return false;
		for (p = icalcomponent_get_first_property(sub, ICAL_RRULE_PROPERTY); p;
		     p = icalcomponent_get_next_property(sub, ICAL_RRULE_PROPERTY)) {
			struct icalrecurrencetype rule = icalproperty_get_rrule(p);
			if (rule.freq != ICAL_YEARLY_RECURRENCE ||
			    rule.by_second[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    rule.by_minute[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    rule.by_hour[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    rule.by_year_day[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    rule.by_week_no[0] != ICAL_RECURRENCE_ARRAY_MAX ||
			    impossible_ordinal(&rule))
				return false;
		}
	}
	return nsub > 0;
}

/* The VTIMEZONE of cal whose TZID is tzid, as a zone the caller frees; NULL if none. */
static icaltimezone *document_zone(icalcomponent *cal, const char *tzid)
{
	icalcomponent *vtz;

	if (!cal)
		return NULL;
	for (vtz = icalcomponent_get_first_component(cal, ICAL_VTIMEZONE_COMPONENT); vtz;
	     vtz = icalcomponent_get_next_component(cal, ICAL_VTIMEZONE_COMPONENT)) {
		icalproperty *p = icalcomponent_get_first_property(vtz, ICAL_TZID_PROPERTY);
		const char *name = p ? icalproperty_get_tzid(p) : NULL;
		icalcomponent *copy;
		icaltimezone *z;

		if (!name || strcmp(name, tzid))
			continue;
		if (!vtimezone_sane(vtz))
			return NULL;
		copy = icalcomponent_new_clone(vtz);
		z = icaltimezone_new();
		if (!copy || !z || !icaltimezone_set_component(z, copy)) {
			if (copy)
				icalcomponent_free(copy);
			if (z)
				icaltimezone_free(z, 1);
			return NULL;
		}
		return z;
	}
	return NULL;
}

/* An IANA zone named by tzid itself, or by what follows one of its slashes (the
 * "/freeassociation.sourceforge.net/Europe/Berlin", "/mozilla.org/20050126_1/Europe/Berlin"
 * and "/citadel.org/20190914_1/Europe/Berlin" styles), or by its Windows name. */
static const struct tz *named_zone(struct tz_db *db, const char *tzid)
{
	const struct tz *z = tz_db_get(db, tzid);
	const char *s, *win;

	for (s = strchr(tzid, '/'); !z && s && s[1]; s = strchr(s + 1, '/'))
		z = tz_db_get(db, s + 1);
	if (!z && (win = extcal_windows_zone(tzid)))
		z = tz_db_get(db, win);
	return z;
}

static void zones_put(struct extcal_zones *c, char *name, const icalcomponent *cal,
		      struct extcal_zone z)
{
	size_t i;

	if (2 * (c->n + 1) > c->cap) {
		struct extcal_zones bigger = *c;
		bigger.n = 0;
		bigger.cap = c->cap ? 2 * c->cap : 16;
		bigger.v = xcalloc(bigger.cap, sizeof(*bigger.v));
		for (i = 0; i < c->cap; i++)
			if (c->v[i].name)
				zones_put(&bigger, c->v[i].name, c->v[i].cal, c->v[i].z);
		free(c->v);
		*c = bigger;
	}
	for (i = hash_fnv32(name) & (c->cap - 1); c->v[i].name; i = (i + 1) & (c->cap - 1))
		;
	c->v[i].name = name;
	c->v[i].cal = cal;
	c->v[i].z = z;
	c->n++;
}

void extcal_zones_init(struct extcal_zones *zs, struct tz_db *db, const struct tz *owner)
{
	memset(zs, 0, sizeof(*zs));
	zs->db = db;
	zs->owner.tz = owner;
}

void extcal_zones_release(struct extcal_zones *c)
{
	size_t i;

	for (i = 0; i < c->cap; i++) {
		if (!c->v[i].name)
			continue;
		if (c->v[i].z.ical)
			icaltimezone_free(c->v[i].z.ical, 1);
		free(c->v[i].name);
	}
	free(c->v);
}

struct extcal_zone extcal_zones_get(struct extcal_zones *zs, const char *tzid, icalcomponent *cal)
{
	struct extcal_zone z = {NULL, NULL};
	size_t i;

	if (zs->cap) {
		for (i = hash_fnv32(tzid) & (zs->cap - 1); zs->v[i].name;
		     i = (i + 1) & (zs->cap - 1)) {
			const struct extcal_zentry *en = &zs->v[i];
			if (!strcmp(en->name, tzid) && (!en->cal || en->cal == cal))
				return en->z;
		}
	}
	z.tz = named_zone(zs->db, tzid);
	if (z.tz) {
		zones_put(zs, xstrdup(tzid), NULL, z);
		return z;
	}
	z.ical = document_zone(cal, tzid);
	if (!z.ical)
		z = zs->owner;
	zones_put(zs, xstrdup(tzid), cal, z);
	return z;
}
