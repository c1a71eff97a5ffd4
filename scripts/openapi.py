#!/usr/bin/env python3
"""Writes docs/openapi.json to standard output: scripts/openapi.py > docs/openapi.json. Edit
this, not the JSON, when a route, field or problem code changes (test_openapi.py checks the
document against the router and the problem codes, and every API test checks its answers
against it)."""
import json, os, sys

def ref(name): return {"$ref": f"#/components/schemas/{name}"}
def nullable(s): return {"anyOf": [s, {"type": "null"}]} if "$ref" in s else {**s, "type": [s["type"], "null"]}
def obj(props, required=None, extra=False, desc=None):
    o = {"type": "object", "properties": props,
         "required": list(props) if required is None else required}
    if not extra: o["additionalProperties"] = False
    if desc: o["description"] = desc
    return o
def arr(items, **kw): return {"type": "array", "items": items, **kw}
def idp(prefix): return {"type": "string", "pattern": f"^{prefix}_[0-9a-hjkmnp-tv-z]{{20}}$"}
STR = {"type": "string"}
INT = {"type": "integer"}
BOOL = {"type": "boolean"}
NSTR = {"type": ["string", "null"]}
NINT = {"type": ["integer", "null"]}

S = {}
S["Instant"] = {"type": "string", "description": "RFC 3339 with the offset of the zone it belongs to",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(Z|[+-][0-9]{2}:[0-9]{2})$"}
S["UtcInstant"] = {"type": "string", "description": "RFC 3339 in UTC",
                   "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$"}
S["InstantIn"] = {"type": "string", "description": "RFC 3339 date-time with seconds and an offset (Z or ±HH:MM); fractional seconds are dropped",
                  "format": "date-time"}
S["Date"] = {"type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$", "description": "YYYY-MM-DD, years 1970-2099"}
S["WallTime"] = {"type": "string", "pattern": "^([01][0-9]|2[0-4]):[0-5][0-9]$", "description": "HH:MM local wall-clock time; an end may be 24:00"}
S["Interval"] = obj({"start": ref("WallTime"), "end": ref("WallTime")}, desc="[start, end) in local wall-clock time")
S["HoursInterval"] = obj({"start": ref("WallTime"), "end": ref("WallTime"),
                          "service_ids": nullable(arr(idp("svc"), minItems=1, maxItems=20, uniqueItems=True))},
                         required=["start", "end"],
                         desc="[start, end) in local wall-clock time; with service_ids (1-20 distinct services of the tenant) only those services may start in it, without it (or null) any service may (service_ids is rendered only when given)")
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
S["Weekday"] = {"type": "string", "enum": DAYS}
S["Week"] = obj({d: arr(ref("HoursInterval"), maxItems=12) for d in DAYS}, desc="each weekday's intervals; an empty list is a closed day")
S["WeekIn"] = obj({d: arr(ref("HoursInterval"), maxItems=12) for d in DAYS}, required=[],
                  desc="keys mon..sun, each optional (missing = closed); at most 12 intervals a day, not overlapping")
for p, name in [("prv", "ProviderId"), ("svc", "ServiceId"), ("ovr", "OverrideId"), ("hol", "HolidayId"),
                ("tof", "TimeOffId"), ("bkg", "BookingId"), ("hld", "HoldId"), ("wtl", "WaitlistId"),
                ("ent", "EntryId"), ("key", "KeyId"), ("evt", "EventId"), ("usr", "UserId")]:
    S[name] = idp(p)
S["Customer"] = obj({"name": STR, "email": STR, "phone": NSTR})
S["CustomerIn"] = obj({"name": {"type": "string", "minLength": 1}, "email": STR, "phone": NSTR},
                      required=["name", "email"], desc="name 1-200 bytes, email at most 254 bytes, phone at most 40 of digits, spaces and + - ( ) .")

# --- resources
S["ProviderSettings"] = obj({"auto_confirm": BOOL, "max_per_day": NINT, "max_consecutive": NINT, "vacation": BOOL})
# A provider's profile (docs/api.md, Providers).
PROFILE_OUT = {"bio": NSTR, "specialties": arr(STR), "photo_url": NSTR,
               "languages": arr(STR, description="BCP 47 language tags the provider speaks")}
S["Provider"] = obj({"id": ref("ProviderId"), "name": STR, "timezone": STR, "email": NSTR,
                     "settings": ref("ProviderSettings"), **PROFILE_OUT,
                     "locale": {"oneOf": [ref("Locale"), {"type": "null"}], "description": "the language of the provider's messages; null = the booking's, else the tenant's"},
                     "video_url": {"type": ["string", "null"], "description": "the provider's fixed meeting room (video services without a URL template)"},
                     "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
LANG_TAG = {"type": "string", "pattern": "^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", "maxLength": 35}
WEB_URL = {"type": ["string", "null"], "pattern": "^https?://"}
profile_in = {"bio": {"type": ["string", "null"], "maxLength": 4000, "description": "at most 4000 bytes"},
              "specialties": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1, "description": "at most 100 bytes"},
                              "maxItems": 20, "uniqueItems": True},
              "photo_url": {**WEB_URL, "maxLength": 2048},
              "languages": {"type": ["array", "null"], "items": LANG_TAG, "maxItems": 20, "uniqueItems": True},
              "locale": {"oneOf": [ref("Locale"), {"type": "null"}]},
              "video_url": {**WEB_URL, "maxLength": 1000}}
settings_in = {"auto_confirm": BOOL, "max_per_day": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000},
               "max_consecutive": {"type": ["integer", "null"], "minimum": 1, "maximum": 1000}, "vacation": BOOL}
prov_in = {"name": {"type": "string", "minLength": 1}, "timezone": {"type": "string", "description": "an IANA zone name"},
           "email": NSTR, "settings": nullable(obj(settings_in, required=[])), **settings_in, **profile_in}
S["ProviderCreate"] = obj(prov_in, required=["name", "timezone"],
                          desc="settings may come nested under settings (as rendered) or at the top level; nested wins")
S["ProviderPatch"] = obj(prov_in, required=[], desc="only the fields present change; null clears email, max_per_day, max_consecutive and the profile fields")
# Where an appointment takes place (docs/api.md, Locations).
S["ServiceLocation"] = {"oneOf": [
    obj({"type": {"const": "in_person"}, "address": STR}),
    obj({"type": {"const": "phone"}, "phone": {"type": ["string", "null"], "description": "the number to call; null = the provider calls the customer"}}),
    obj({"type": {"const": "video"}, "url_template": {"type": ["string", "null"], "description": "placeholders {tenant}, {reference}, {booking_id}, {provider_id}; null = the provider's video_url"}})]}
S["ServiceLocationIn"] = {"oneOf": [
    obj({"type": {"const": "in_person"}, "address": {"type": "string", "minLength": 1, "description": "one line, at most 500 bytes"}}),
    obj({"type": {"const": "phone"}, "phone": {"type": ["string", "null"], "minLength": 1, "maxLength": 40}}, required=["type"]),
    obj({"type": {"const": "video"}, "url_template": {"type": ["string", "null"], "maxLength": 500, "pattern": "^https?://"}}, required=["type"])]}
S["BookingLocation"] = {"oneOf": [
    obj({"type": {"const": "in_person"}, "address": STR}),
    obj({"type": {"const": "phone"}, "phone": {"type": ["string", "null"], "description": "null = the provider calls the customer"}}),
    obj({"type": {"const": "video"}, "url": {"type": ["string", "null"], "description": "the call's link; null when the provider has no video_url"}})],
    "description": "resolved from the service when the booking was made; kept when it moves"}
S["PublicServiceLocation"] = {"oneOf": [
    obj({"type": {"const": "in_person"}, "address": STR}),
    obj({"type": {"const": "phone"}, "phone": NSTR}),
    obj({"type": {"const": "video"}}, desc="the link goes to the booking's customer")]}

S["FeeTier"] = obj({"within_hours": {"type": "integer", "minimum": 1, "maximum": 8784},
                    "percent": {"type": "integer", "minimum": 0, "maximum": 100}})
S["Policy"] = obj({"cancellation_deadline_hours": NINT, "reschedule_deadline_hours": NINT,
                   "max_reschedules": NINT, "late_cancellation_fees": {"type": ["array", "null"], "items": ref("FeeTier")},
                   "no_show_fee_percent": NINT, "waitlist_offer_minutes": NINT},
                  desc="null = not set (inherited from the tenant default, or no deadline/limit/fee)")
def rng(lo, hi, null=True): return {"type": ["integer", "null"] if null else "integer", "minimum": lo, "maximum": hi}
S["PolicyIn"] = obj({"cancellation_deadline_hours": rng(0, 8784), "reschedule_deadline_hours": rng(0, 8784),
                     "max_reschedules": rng(0, 1000),
                     "late_cancellation_fees": {"type": ["array", "null"], "items": ref("FeeTier"), "maxItems": 8},
                     "no_show_fee_percent": rng(0, 100), "waitlist_offer_minutes": rng(1, 10080)}, required=[],
                    desc="replaces the whole policy; fields left out or null are not set")

S["Service"] = obj({"id": ref("ServiceId"), "name": STR, "duration_minutes": INT, "price": NSTR, "currency": NSTR,
                    "buffer_before_minutes": INT, "buffer_after_minutes": INT, "slot_step_minutes": INT,
                    "min_notice_minutes": INT, "max_advance_days": NINT, "capacity": INT,
                    "provider_ids": arr(ref("ProviderId"), maxItems=200,
                                        description="the providers by id: the first 200 when the service has more (then provider_count is present; the full list: GET /v1/services/{id}/providers)"),
                    "provider_count": {"type": "integer", "minimum": 201, "description": "only when more than 200 providers offer the service: how many"},
                    "requires_approval": BOOL,
                    "public": {"type": "boolean", "description": "listed on the tenant's public booking page"}, "policy": ref("Policy"),
                    "reminder_offsets_minutes": {"type": ["array", "null"], "items": INT,
                                                 "description": "minutes before the start, largest first; null = the tenant's"},
                    "provider_overrides": arr(ref("ProviderOverride"), description="the providers with their own price or duration, of those provider_ids lists (past 200 providers each one's terms are in GET /v1/services/{id}/providers)"),
                    "location": nullable(ref("ServiceLocation")),
                    "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
S["Service"]["required"].remove("provider_count")
S["ProviderOverride"] = obj({"provider_id": ref("ProviderId"), "price": NSTR, "duration_minutes": NINT},
                            desc="a provider's own price (in the service's currency) and duration; null = the service's")
S["ServiceProvider"] = obj({"service_id": ref("ServiceId"), "provider_id": ref("ProviderId"),
                            "price": NSTR, "currency": NSTR, "duration_minutes": INT,
                            "price_override": NSTR, "duration_override": NINT},
                           desc="what the provider charges and takes for the service (price, currency, duration_minutes) and its own values (null = the service's)")
S["ServiceProviderList"] = obj({"data": arr(ref("ServiceProvider")), "next_cursor": nullable(ref("ProviderId"))},
                               required=["data"])
S["ServiceProvidersAdd"] = obj({"provider_ids": arr(ref("ProviderId"), minItems=1, maxItems=1000, uniqueItems=True)},
                               desc="1-1,000 providers to add; all or none")
S["ServiceProvidersAdded"] = obj({"service_id": ref("ServiceId"), "added": arr(ref("ProviderId"), description="the providers new to the service, in the order given"),
                                  "provider_count": {"type": "integer", "minimum": 0}})
S["ServiceProviderPut"] = obj({"price": {"type": ["string", "null"], "pattern": "^[0-9]{1,9}(\\.[0-9]{1,4})?$"},
                               "duration_minutes": rng(1, 1440)}, required=[],
                              desc="omitted or null = the service's; a price needs the service to have a currency")
svc_in = {"name": {"type": "string", "minLength": 1}, "duration_minutes": rng(1, 1440, False),
          "price": {"type": ["string", "null"], "pattern": "^[0-9]{1,9}(\\.[0-9]{1,4})?$"},
          "currency": {"type": ["string", "null"], "pattern": "^[A-Z]{3}$"},
          "buffer_before_minutes": rng(0, 1440, False), "buffer_after_minutes": rng(0, 1440, False),
          "slot_step_minutes": rng(1, 1440), "min_notice_minutes": rng(0, 525600, False),
          "max_advance_days": rng(1, 3650), "capacity": rng(1, 1000, False),
          "provider_ids": {"type": ["array", "null"], "items": ref("ProviderId"), "maxItems": 200, "uniqueItems": True},
          "requires_approval": BOOL, "public": BOOL, "policy": nullable(ref("PolicyIn")), "reminder_offsets_minutes": nullable(ref("ReminderOffsetsIn")),
          "location": nullable(ref("ServiceLocationIn"))}
S["ServiceCreate"] = obj(svc_in, required=["name", "duration_minutes"])
S["ServicePatch"] = obj(svc_in, required=[], desc="only the fields present change")
S["ReminderOffsetsIn"] = {"type": "array", "items": {"type": "integer", "minimum": 15, "maximum": 43200}, "maxItems": 5,
                          "uniqueItems": True, "description": "reminders this many minutes before the start (15 min to 30 days, at most 5, distinct); [] = none"}
S["TenantPolicy"] = json.loads(json.dumps(S["Policy"]))
S["TenantPolicy"]["properties"]["reminder_offsets_minutes"] = arr(INT, maxItems=5)
S["TenantPolicy"]["required"] = S["Policy"]["required"] + ["reminder_offsets_minutes"]
S["TenantPolicy"]["description"] = "the tenant's policy defaults and the reminder offsets of services that set none (default [1440, 60])"
S["TenantPolicyIn"] = json.loads(json.dumps(S["PolicyIn"]))
S["TenantPolicyIn"]["properties"]["reminder_offsets_minutes"] = nullable(ref("ReminderOffsetsIn"))
S["TenantPolicyIn"]["description"] = "replaces the whole policy; fields left out or null are not set (reminder offsets: [1440, 60])"
S["Reminder"] = obj({"offset_minutes": {"type": "integer", "minimum": 15, "maximum": 43200}, "due_at": ref("Instant"),
                     "sent_at": nullable(ref("Instant"))})
S["BookingReminders"] = obj({"booking_id": ref("BookingId"), "reminders": arr(ref("Reminder"), maxItems=5)})

ver = {"weekly": nullable(ref("Week")), "effective_from": nullable(ref("Date")), "effective_until": nullable(ref("Date")),
       "weeks": arr(ref("Week"), minItems=2, maxItems=8), "anchor_date": ref("Date")}
S["ScheduleVersion"] = obj(ver, required=["weekly", "effective_from", "effective_until"],
                           desc="weekly (every week alike), or weekly null and weeks + anchor_date (a cycle of 2-8 weeks)")
S["Schedule"] = obj({**ver, "provider_id": ref("ProviderId"), "timezone": STR,
                     "versions": arr(ref("ScheduleVersion"))},
                    required=["weekly", "effective_from", "effective_until", "provider_id", "timezone", "versions"],
                    desc="the version in force today at the top level (all null when none), and every version")
ver_in = {"weekly": nullable(ref("WeekIn")), "weeks": {"type": ["array", "null"], "items": ref("WeekIn"), "minItems": 2, "maxItems": 8},
          "anchor_date": nullable(ref("Date")), "effective_from": nullable(ref("Date")), "effective_until": nullable(ref("Date"))}
S["ScheduleVersionIn"] = obj(ver_in, required=[])
S["SchedulePut"] = obj({**ver_in, "versions": arr(ref("ScheduleVersionIn"), maxItems=24)}, required=[],
                       desc="one template (weekly, or weeks with anchor_date) or dated versions")

S["Override"] = obj({"id": ref("OverrideId"), "provider_id": ref("ProviderId"), "date": nullable(ref("Date")),
                     "from": nullable(ref("Date")), "to": nullable(ref("Date")), "intervals": arr(ref("HoursInterval")),
                     "closed": BOOL, "note": NSTR, "until": nullable(ref("Date")), "rrule": NSTR,
                     "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
S["OverrideCreate"] = obj({"date": nullable(ref("Date")), "from": nullable(ref("Date")), "to": nullable(ref("Date")),
                           "intervals": {"type": ["array", "null"], "items": ref("HoursInterval"), "maxItems": 12},
                           "note": NSTR, "rrule": NSTR}, required=[],
                          desc="date (one day, or the first date of rrule) or from and to (a range of at most 366 days); no intervals = closed")
S["OverridePatch"] = dict(S["OverrideCreate"], description="any of the POST fields; the result is checked as a POST is. date replaces a range, from or to a single date; null clears intervals (closed), note and rrule")
S["BusinessOverrideId"] = idp("bov")
S["BusinessHours"] = obj({**ver, "timezone": NSTR, "versions": arr(ref("ScheduleVersion")),
                          "exempt_provider_ids": arr(ref("ProviderId")), "updated_at": nullable(ref("UtcInstant"))},
                         required=["weekly", "effective_from", "effective_until", "timezone", "versions",
                                   "exempt_provider_ids", "updated_at"],
                         desc="the tenant's business hours, shaped like a provider's schedule; timezone null (and no versions) when none are set: no restriction")
S["BusinessHoursPut"] = obj({**ver_in, "versions": arr(ref("ScheduleVersionIn"), maxItems=24), "timezone": STR,
                             "exempt_provider_ids": {"type": ["array", "null"], "items": ref("ProviderId"), "maxItems": 200,
                                                     "uniqueItems": True}}, required=["timezone"],
                            desc="a schedule body (weekly, weeks with anchor_date, or versions; intervals without service_ids), the IANA zone they are in, and the providers exempt from them")
S["BusinessOverride"] = json.loads(json.dumps(S["Override"]))
S["BusinessOverride"]["properties"].pop("provider_id")
S["BusinessOverride"]["properties"]["id"] = ref("BusinessOverrideId")
S["BusinessOverride"]["required"] = [k for k in S["Override"]["required"] if k != "provider_id"]
S["BusinessOverride"]["description"] = "a business override: a provider override's shape without provider_id"
HOLIDAY_TYPE = {"type": "string", "enum": ["public", "closure", "maintenance", "other"]}
S["Holiday"] = obj({"id": ref("HolidayId"), "name": STR, "date": ref("Date"),
                    "recurring": {"type": ["string", "null"], "enum": ["yearly", None]},
                    "provider_ids": arr(ref("ProviderId")), "rrule": NSTR, "until": nullable(ref("Date")),
                    "type": HOLIDAY_TYPE, "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
S["HolidayCreate"] = obj({"name": {"type": "string", "minLength": 1}, "date": ref("Date"),
                          "recurring": {"type": ["string", "null"], "enum": ["yearly", None]}, "rrule": NSTR,
                          "provider_ids": {"type": ["array", "null"], "items": ref("ProviderId"), "maxItems": 200},
                          "type": {"type": ["string", "null"], "enum": HOLIDAY_TYPE["enum"] + [None],
                                   "description": "default public"}},
                         required=["name", "date"])
S["HolidayPatch"] = dict(S["HolidayCreate"], required=[],
                         description="any of the POST fields; the result is checked as a POST is. A yearly holiday's rule follows its date; null provider_ids = every provider, null type = public")
S["TimeOff"] = obj({"id": ref("TimeOffId"), "provider_id": ref("ProviderId"), "start": ref("Instant"),
                    "end": ref("Instant"), "reason": NSTR, "created_at": ref("UtcInstant"),
                    "updated_at": ref("UtcInstant")})
S["TimeOffCreate"] = obj({"start": ref("InstantIn"), "end": ref("InstantIn"), "reason": NSTR}, required=["start", "end"])
S["TimeOffPatch"] = obj({"start": ref("InstantIn"), "end": ref("InstantIn"), "reason": NSTR}, required=[],
                        desc="any of the POST fields; the result is checked as a POST is")

BOOKING_STATUS = ["pending", "confirmed", "declined", "cancelled", "completed", "no_show"]
S["BookingStatus"] = {"type": "string", "enum": BOOKING_STATUS}
S["Locale"] = {"type": "string", "enum": ["en", "de"], "description": "the language of messages"}
S["Fee"] = obj({"amount": STR, "currency": NSTR, "reason": {"type": "string", "enum": ["late_cancellation", "no_show"]}})
S["Booking"] = obj({"id": ref("BookingId"), "reference": {"type": "string", "pattern": "^[A-HJKMNP-Z2-9]{8}$"},
                    "status": ref("BookingStatus"), "start": ref("Instant"), "end": ref("Instant"),
                    "provider_id": ref("ProviderId"), "service_id": ref("ServiceId"), "customer": ref("Customer"),
                    "notes": NSTR, "location": nullable(ref("BookingLocation")),
                    "metadata": {"type": "object"}, "price": NSTR, "currency": NSTR,
                    "policy": ref("Policy"), "reschedule_count": INT, "fee": nullable(ref("Fee")),
                    "fee_waived": {**nullable(ref("Fee")), "description": "the fee a staff waiver let go (waive_fee), for the record; not owed"},
                    "locale": {"oneOf": [ref("Locale"), {"type": "null"}], "description": "the messages' language; null = the tenant's"},
                    "version": {"type": "integer", "minimum": 1}, "created_at": ref("UtcInstant"),
                    "updated_at": ref("UtcInstant"),
                    "manage_token": {"type": "string", "pattern": "^mt_", "description": "only in the 201 answer of POST /v1/bookings and its replays"}},
                   required=["id", "reference", "status", "start", "end", "provider_id", "service_id", "customer",
                             "notes", "location", "metadata", "price", "currency", "policy", "reschedule_count", "fee",
                             "fee_waived", "locale", "version", "created_at", "updated_at"])
# A booking's calendar links (docs/api.md, Calendar feeds).
S["BookingLinks"] = obj({
    "ics": {"type": "string", "pattern": "^(https?://[^/]+)?(/.*)?/v1/bookings/bkg_[0-9a-hjkmnp-tv-z]{20}\\.ics$",
            "description": "the booking's .ics: absolute under --public-url when the server has one, else a path; needs an API key or the booking's manage token"},
    "google_calendar": {"type": "string", "pattern": "^https://calendar\\.google\\.com/calendar/render\\?action=TEMPLATE&",
                        "description": "a prefilled Google Calendar event (text, dates in UTC, details)"},
    "outlook": {"type": "string", "pattern": "^https://outlook\\.live\\.com/calendar/0/deeplink/compose\\?",
                "description": "the Outlook on the web compose form (subject, startdt, enddt in UTC, body)"}})
S["Booking"]["properties"]["links"] = ref("BookingLinks")
S["Booking"]["required"].append("links")
# Staff-only notes (absent from what customers read) and the customer's feedback.
S["Feedback"] = obj({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                     "comment": {"type": ["string", "null"], "maxLength": 2000},
                     "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")},
                    desc="the customer's feedback on a completed booking")
S["Booking"]["properties"].update({
    "internal_notes": {**NSTR, "description": "staff only: absent for a manage token or a customer key"},
    "completion_notes": {**NSTR, "description": "staff only: absent for a manage token or a customer key"},
    "feedback": nullable(ref("Feedback"))})
S["Booking"]["required"].append("feedback")
S["BookingFeedback"] = obj({"booking_id": ref("BookingId"), **S["Feedback"]["properties"]},
                           desc="a booking's feedback")
S["FeedbackCreate"] = obj({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                           "comment": {"type": ["string", "null"], "maxLength": 2000}}, required=["rating"])
S["FeedbackPatch"] = obj({"rating": {"type": "integer", "minimum": 1, "maximum": 5},
                          "comment": {"type": ["string", "null"], "maxLength": 2000}}, required=[],
                         desc="the members to change; comment null removes it")
S["BookingLocationIn"] = {"oneOf": [
    obj({"type": {"const": "in_person"}, "address": STR}),
    obj({"type": {"const": "phone"}, "phone": NSTR}, required=["type"]),
    obj({"type": {"const": "video"}, "url": NSTR}, required=["type"]),
    {"type": "null"}]}
S["BookingPatch"] = obj({"notes": NSTR, "internal_notes": NSTR, "completion_notes": NSTR,
                         "customer": obj({"name": STR, "email": STR, "phone": NSTR}, required=[]),
                         "metadata": {"type": ["object", "null"], "description": "replaces the whole; at most 4096 bytes as JSON"},
                         "location": ref("BookingLocationIn")}, required=[],
                        desc="the members to change (null clears one); customers: notes and customer only. start, end, provider_id, service_id and status are refused (422) naming the action to use")
S["BookingCreated"] = {"allOf": [ref("Booking"), {"required": ["manage_token"]}]}
S["ProviderChoice"] = {"type": ["string", "null"], "pattern": "^(any|prv_[0-9a-hjkmnp-tv-z]{20})$",
                       "description": "a provider id, \"any\" or null (any)"}
S["BookingCreate"] = obj({"service_id": ref("ServiceId"), "provider_id": ref("ProviderChoice"), "start": ref("InstantIn"),
                          "customer": ref("CustomerIn"), "notes": NSTR, "hold_id": nullable(ref("HoldId")),
                          "locale": {"oneOf": [ref("Locale"), {"type": "null"}], "description": "the messages' language; default the tenant's"},
                          "metadata": {"type": ["object", "null"], "description": "at most 4096 bytes as JSON"}},
                         required=["service_id", "start", "customer"])
S["BookingAction"] = obj({"reason": NSTR, "force": {"type": "boolean", "description": "admin keys only: past the policy"},
                          "waive_fee": {"type": "boolean", "description": "staff and admin keys only"},
                          "notes": {**NSTR, "description": "complete only: the booking's completion notes"}}, required=[])
S["BookingReschedule"] = obj({"start": ref("InstantIn"), "reason": NSTR, "force": BOOL}, required=["start"])
S["HistoryItem"] = obj({"at": ref("UtcInstant"), "actor": {"type": "string", "enum": ["admin", "staff", "customer", "system"]},
                        "from": nullable(ref("BookingStatus")), "to": ref("BookingStatus"), "reason": NSTR,
                        "user_id": {**ref("UserId"), "description": "only when a console user made the change (actor is then the user's role)"}},
                       required=["at", "actor", "from", "to", "reason"])
S["BookingHistory"] = obj({"booking_id": ref("BookingId"), "history": arr(ref("HistoryItem"))})

S["Slot"] = obj({"start": ref("Instant"), "end": ref("Instant"), "provider_id": ref("ProviderId"),
                 "seats_left": {"type": "integer", "description": "only when the service's capacity is above 1"}},
                required=["start", "end", "provider_id"])
S["Slots"] = obj({"slots": arr(ref("Slot"))})
S["SlotGroup"] = obj({"start": ref("Instant"), "end": ref("Instant"),
                      "providers_free": {"type": "integer", "minimum": 1},
                      "provider_ids": arr(ref("ProviderId"), description="only with include=provider_ids")},
                     required=["start", "end", "providers_free"],
                     desc="group=start: a start (and end) once, with how many providers are free then")
S["SlotsAny"] = obj({"slots": arr({"oneOf": [ref("Slot"), ref("SlotGroup")]}),
                     "next_provider_cursor": {**nullable(ref("ProviderId")), "description": "with provider_limit: the provider_cursor of the next page (null: the last page)"}},
                    required=["slots"])
REASONS = ["outside_hours", "override_closed", "holiday", "vacation", "time_off", "not_on_grid", "min_notice",
           "max_advance", "booked", "limit_per_day", "limit_consecutive", "held", "schedule_entry", "external_busy",
           "service_not_offered_now", "outside_business_hours"]
S["Reason"] = obj({"code": {"type": "string", "enum": REASONS}, "holiday": STR,
                   "calendar": {"type": "string", "description": "with external_busy: the name of the provider's external calendar that is busy (never an event's title)"},
                   "earliest_start": ref("Instant"),
                   "latest_start": ref("Instant")}, required=["code"])
S["Explain"] = obj({"start": ref("Instant"), "end": ref("Instant"), "provider_id": ref("ProviderId"),
                    "service_id": ref("ServiceId"), "bookable": BOOL, "reasons": arr(ref("Reason"))})

S["Hold"] = obj({"id": ref("HoldId"), "service_id": ref("ServiceId"), "provider_id": ref("ProviderId"),
                 "start": ref("Instant"), "end": ref("Instant"), "expires_at": ref("UtcInstant"), "live": BOOL,
                 "waitlist_id": nullable(ref("WaitlistId")), "created_at": ref("UtcInstant")})
S["HoldCreate"] = obj({"service_id": ref("ServiceId"), "provider_id": ref("ProviderChoice"), "start": ref("InstantIn"),
                       "ttl_seconds": {"type": "integer", "minimum": 30, "maximum": 3600, "default": 600},
                       "customer": {"type": ["object", "null"], "properties": {"name": NSTR, "email": NSTR, "phone": NSTR},
                                    "additionalProperties": False}}, required=["service_id", "start"])
WL_STATUS = ["waiting", "offered", "booked", "expired"]
S["WaitlistEntry"] = obj({"id": ref("WaitlistId"), "service_id": ref("ServiceId"), "provider_id": nullable(ref("ProviderId")),
                          "customer": ref("Customer"), "earliest_date": ref("Date"), "latest_date": ref("Date"),
                          "weekdays": arr(ref("Weekday")), "time_windows": arr(ref("Interval")), "priority": INT,
                          "status": {"type": "string", "enum": WL_STATUS}, "hold_id": nullable(ref("HoldId")),
                          "offer_provider_id": nullable(ref("ProviderId")), "offer_start": nullable(ref("UtcInstant")),
                          "offer_expires_at": nullable(ref("UtcInstant")), "offers": INT,
                          "booking_id": nullable(ref("BookingId")), "notes": NSTR, "created_at": ref("UtcInstant"),
                          "updated_at": ref("UtcInstant")})
S["WaitlistCreate"] = obj({"service_id": ref("ServiceId"), "provider_id": ref("ProviderChoice"), "customer": ref("CustomerIn"),
                           "earliest_date": ref("Date"), "latest_date": ref("Date"),
                           "weekdays": {"type": ["array", "null"], "items": ref("Weekday")},
                           "time_windows": {"type": ["array", "null"], "items": ref("Interval"), "maxItems": 8},
                           "priority": {"type": ["integer", "null"], "minimum": -1000, "maximum": 1000,
                                        "description": "staff and admin keys only"},
                           "notes": NSTR},
                          required=["service_id", "customer", "earliest_date", "latest_date"])
S["WaitlistPatch"] = obj({"customer": obj({"name": {"type": "string", "minLength": 1}, "phone": NSTR, "email": STR}, required=[],
                                          desc="email may only repeat the entry's own"),
                          "earliest_date": ref("Date"), "latest_date": ref("Date"),
                          "weekdays": {"type": ["array", "null"], "items": ref("Weekday")},
                          "time_windows": {"type": ["array", "null"], "items": ref("Interval"), "maxItems": 8},
                          "priority": {"type": ["integer", "null"], "minimum": -1000, "maximum": 1000},
                          "notes": NSTR}, required=[],
                         desc="only while waiting or offered; the result is checked as a POST is; service_id and provider_id cannot change")

ENTRY_STATUS = ["scheduled", "tentative", "in_progress", "completed", "cancelled"]
S["EntryStatus"] = {"type": "string", "enum": ENTRY_STATUS}
S["WorkItem"] = obj({"type": STR, "id": STR})
entry_fields = {"title": STR, "status": ref("EntryStatus"), "notes": NSTR, "assignee_ids": arr(ref("ProviderId"))}
S["EntryOverride"] = obj({"original_start": ref("Instant"), "start": ref("Instant"), "end": ref("Instant"), **entry_fields})
S["Entry"] = obj({"id": ref("EntryId"), "start": ref("Instant"), "end": ref("Instant"), "timezone": STR, **entry_fields,
                  "work_item": nullable(ref("WorkItem")), "rrule": NSTR, "exdates": arr(ref("Instant")),
                  "overrides": arr(ref("EntryOverride")), "version": {"type": "integer", "minimum": 1},
                  "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
S["Conflict"] = obj({"kind": {"type": "string", "enum": ["booking", "entry"]}, "id": STR,
                     "occurrence_id": {"type": "string", "description": "entries only"},
                     "provider_id": ref("ProviderId"), "start": ref("Instant"), "end": ref("Instant"),
                     "occurrence_start": ref("Instant")},
                    required=["kind", "id", "provider_id", "start", "end", "occurrence_start"])
S["EntryWritten"] = {"allOf": [{"$ref": "#/components/schemas/Entry"}], "description": "the entry plus conflicts (and split_from after a scope=future edit)"}
# An allOf with additionalProperties false in Entry would reject conflicts; spell it out instead.
S["EntryWritten"] = json.loads(json.dumps(S["Entry"]))
S["EntryWritten"]["properties"]["conflicts"] = arr(ref("Conflict"), maxItems=100)
S["EntryWritten"]["properties"]["split_from"] = ref("EntryId")
S["EntryWritten"]["required"] = S["Entry"]["required"] + ["conflicts"]
S["EntryWritten"]["description"] = "the entry, the conflicts of its occurrences (at most 100) and, after a scope=future edit, split_from (the old series)"
entry_in = {"title": {"type": "string", "minLength": 1}, "start": ref("InstantIn"), "end": ref("InstantIn"),
            "timezone": STR, "assignee_ids": arr(ref("ProviderId"), minItems=1, maxItems=50),
            "work_item": nullable(obj({"type": {"type": "string", "minLength": 1}, "id": {"type": "string", "minLength": 1}})),
            "status": ref("EntryStatus"), "notes": NSTR, "rrule": NSTR,
            "exdates": {"type": ["array", "null"], "items": ref("InstantIn"), "maxItems": 1000}}
S["EntryCreate"] = obj(entry_in, required=["title", "start", "end", "assignee_ids"])
S["EntryPatch"] = obj(entry_in, required=[], desc="only the fields present change; with scope=this only title, start, end, assignee_ids, status, notes")
S["Occurrence"] = obj({"id": {"type": "string", "pattern": "^ent_[0-9a-hjkmnp-tv-z]{20}:[0-9]{8}T[0-9]{6}Z$"},
                       "entry_id": ref("EntryId"), "original_start": ref("Instant"), "start": ref("Instant"),
                       "end": ref("Instant"), "overridden": BOOL, **entry_fields, "work_item": nullable(ref("WorkItem"))})
S["Occurrences"] = obj({"entry_id": ref("EntryId"), "timezone": STR, "occurrences": arr(ref("Occurrence"))})

base_item = {"id": STR, "provider_id": ref("ProviderId"), "start": ref("Instant"), "end": ref("Instant")}
def kind(k, extra): return obj({"kind": {"const": k}, **base_item, **extra})
S["CalendarItem"] = {"oneOf": [
    kind("booking", {"status": ref("BookingStatus"), "service_id": ref("ServiceId"),
                     "reference": STR, "title": STR}),
    kind("entry", {"entry_id": ref("EntryId"), "title": STR, "status": ref("EntryStatus"),
                   "work_item": nullable(ref("WorkItem"))}),
    kind("time_off", {"reason": NSTR}),
    kind("holiday", {"date": ref("Date"), "name": STR}),
    kind("override", {"date": ref("Date"), "closed": BOOL, "intervals": arr(ref("HoursInterval")), "note": NSTR}),
    kind("external_busy", {"calendar_id": STR, "calendar": STR})]}
S["Calendar"] = obj({"from": ref("Instant"), "to": ref("Instant"), "timezone": STR, "items": arr(ref("CalendarItem"))})

ROLES = ["admin", "staff", "customer"]
S["Key"] = obj({"id": ref("KeyId"), "name": STR, "role": {"type": "string", "enum": ROLES},
                "provider_ids": {"type": ["array", "null"], "items": ref("ProviderId")},
                "expires_at": nullable(ref("UtcInstant")), "last_used_at": nullable(ref("UtcInstant")),
                "created_at": ref("UtcInstant"),
                "secret": {"type": "string", "pattern": "^sk_", "description": "only in the 201 answer of POST /v1/keys"}},
               required=["id", "name", "role", "provider_ids", "expires_at", "last_used_at", "created_at"])
S["KeyCreated"] = {"allOf": [ref("Key"), {"required": ["secret"]}]}
S["KeyCreate"] = obj({"name": {"type": "string", "minLength": 1}, "role": {"type": "string", "enum": ROLES},
                      "provider_ids": {"type": ["array", "null"], "items": ref("ProviderId"), "minItems": 1, "maxItems": 50,
                                       "description": "staff keys only"},
                      "expires_at": nullable(ref("InstantIn"))}, required=["name", "role"])
EVENT_TYPES = sorted(["booking.cancelled", "booking.completed", "booking.confirmed", "booking.created", "booking.declined",
    "booking.no_show", "booking.pending", "booking.reminder", "booking.rescheduled", "entry.created", "entry.deleted", "entry.updated",
    "hold.created", "hold.expired", "hold.released", "holiday.created", "holiday.deleted", "holiday.updated",
    "key.created", "key.revoked", "key.updated", "override.created", "override.deleted", "override.updated", "policy.updated",
    "provider.created", "provider.deleted", "provider.updated", "schedule.updated", "service.created",
    "service.deleted", "service.updated", "service.providers_added", "service.provider_removed", "time_off.created", "time_off.deleted", "time_off.updated", "waitlist.booked",
    "waitlist.expired", "waitlist.joined", "waitlist.offered", "waitlist.removed", "waitlist.updated",
    "endpoint.created", "endpoint.updated", "endpoint.deleted", "endpoint.disabled",
    "endpoint.secret_rotated", "template.updated", "template.deleted", "feed.created", "feed.revoked",
    "calendar.created", "calendar.updated", "calendar.deleted", "calendar.synced", "calendar.sync_failed",
    "booking.attachment_added", "booking.attachment_removed"])
EVENT_TYPES = sorted(EVENT_TYPES + ["business_hours.updated", "business_hours.deleted", "business_override.created",
                                    "business_override.updated", "business_override.deleted"])
EVENT_TYPES = sorted(EVENT_TYPES + ["booking.updated", "booking.feedback"])
EVENT_TYPES = sorted(EVENT_TYPES + ["user.created", "user.updated", "user.deleted"])
USER_ROLES = ["admin", "staff"]
S["User"] = obj({"id": ref("UserId"), "email": {"type": "string", "description": "lower case"}, "name": STR,
                 "role": {"type": "string", "enum": USER_ROLES},
                 "provider_id": {**nullable(ref("ProviderId")), "description": "a staff user limited to this provider (null: all)"},
                 "disabled": BOOL, "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant"),
                 "last_login_at": nullable(ref("UtcInstant")),
                 "password": {"type": "string", "minLength": 20, "maxLength": 20,
                              "description": "only in the 201 answer of POST /v1/users when the server generated the password"}},
                required=["id", "email", "name", "role", "provider_id", "disabled", "created_at", "updated_at", "last_login_at"],
                desc="a person who signs in to the console; never a password or its hash (but see password)")
PASSWORD_IN = {"type": "string", "minLength": 10, "maxLength": 200, "description": "10-200 bytes"}
S["UserCreate"] = obj({"email": {"type": "string", "maxLength": 254, "description": "an e-mail address, unique in the tenant (compared in lower case)"},
                       "name": {"type": "string", "minLength": 1, "maxLength": 200},
                       "role": {"type": "string", "enum": USER_ROLES},
                       "provider_id": {**nullable(ref("ProviderId")), "description": "staff users only: limits the user to this provider of the tenant"},
                       "password": {**PASSWORD_IN, "description": "10-200 bytes; left out, one is generated and returned once"}},
                      required=["email", "name", "role"])
S["UserPatch"] = obj({"name": {"type": "string", "minLength": 1, "maxLength": 200},
                      "role": {"type": "string", "enum": USER_ROLES},
                      "provider_id": {**nullable(ref("ProviderId")), "description": "null clears"},
                      "disabled": BOOL, "password": PASSWORD_IN}, required=[],
                     desc="changing password, role, provider_id or disabled ends the user's sessions")
S["SessionCreate"] = obj({"tenant": {"type": "string", "description": "the organisation's slug"},
                          "email": STR, "password": STR}, required=["tenant", "email", "password"])
S["Session"] = obj({"user": ref("User"), "tenant": obj({"id": STR, "slug": STR, "name": STR}),
                    "csrf_token": {"type": "string", "description": "send it as X-CSRF-Token with every request but GET made with the session"},
                    "expires_at": ref("UtcInstant"),
                    "idle_timeout_seconds": {"type": "integer", "minimum": 60}},
                   desc="a console session: its user, tenant and CSRF token; the token itself is only in the slotd_session cookie")
S["Actor"] = obj({"type": {"type": "string", "enum": ["key", "manage_token", "system", "visitor", "user"],
                           "description": "visitor: someone on the public booking page (id pub_… names the client address); user: a console user signed in with a session (id usr_…)"}, "id": STR,
                  "role": {"type": ["string", "null"], "enum": ROLES + [None]}})
S["Event"] = obj({"id": ref("EventId"), "seq": {"type": "integer", "minimum": 1},
                  "type": {"type": "string", "pattern": "^[a-z0-9_]+\\.[a-z0-9_]+$",
                           "description": "what happened; the server writes " + ", ".join(EVENT_TYPES) + " (see docs/api.md, Events)"}, "subject_id": STR, "actor": ref("Actor"),
                  "request_id": NSTR, "payload": {"type": "object", "description": "the object as the API renders it after the change (before it, for deletes)"},
                  "changes": {"type": ["object", "null"], "additionalProperties": {"type": "array", "minItems": 2, "maxItems": 2},
                              "description": "{field: [before, after]} for updates; null for creations and deletions"},
                  "created_at": ref("UtcInstant")})
# The payload is the object as the API renders it: one schema per type prefix.
S["EntryEventPayload"] = json.loads(json.dumps(S["Entry"]))
S["EntryEventPayload"]["properties"].update({
    "scope": {"type": "string", "enum": ["all", "this", "future"]}, "occurrence": nullable(ref("Instant")),
    "split_from": ref("EntryId")})
S["EntryEventPayload"]["required"] = S["Entry"]["required"] + ["scope", "occurrence"]
S["EntryEventPayload"]["description"] = "the series, the scope of the edit and the occurrence's original start (split_from on the series a scope=future edit starts)"
BOOKING_NO_TOKEN = {"allOf": [ref("Booking"), {"not": {"required": ["manage_token"]}}]}
KEY_NO_SECRET = {"allOf": [ref("Key"), {"not": {"required": ["secret"]}}]}
PAYLOADS = {"provider": ref("Provider"), "service": ref("Service"), "schedule": ref("Schedule"),
            "override": ref("Override"), "holiday": ref("Holiday"), "time_off": ref("TimeOff"),
            "policy": ref("Policy"), "booking": BOOKING_NO_TOKEN, "hold": ref("Hold"),
            "waitlist": ref("WaitlistEntry"), "entry": ref("EntryEventPayload"), "key": KEY_NO_SECRET,
            "endpoint": {"allOf": [ref("WebhookEndpoint"), {"not": {"required": ["secret"]}}]},
            "template": ref("Template"),
            "feed": {"allOf": [ref("Feed"), {"not": {"required": ["url"]}}]},
            "calendar": ref("ExternalCalendar"),
            "business_hours": ref("BusinessHours"), "business_override": ref("BusinessOverride"),
            "user": {"allOf": [ref("User"), {"not": {"required": ["password"]}}]}}
S["Event"]["allOf"] = [{"if": {"properties": {"type": {"pattern": f"^{k}\\."}}, "required": ["type"]},
                        "then": {"properties": {"payload": v}}} for k, v in PAYLOADS.items()]
# booking.reminder carries the booking and the reminder sent; policy events the tenant policy.
S["BookingReminderPayload"] = json.loads(json.dumps(S["Booking"]))
S["BookingReminderPayload"]["properties"]["reminder"] = ref("Reminder")
S["BookingReminderPayload"]["properties"].pop("manage_token", None)
S["BookingReminderPayload"]["required"] = S["Booking"]["required"] + ["reminder"]
S["BookingReminderPayload"]["description"] = "the booking as GET /v1/bookings/{id} renders it, and the reminder sent"
for cond in S["Event"]["allOf"]:
    t = cond["if"]["properties"]["type"]
    if t.get("pattern") == "^booking\\.":
        t["pattern"] = "^booking\\.(?!reminder$)"
    if t.get("pattern") == "^policy\\.":
        cond["then"]["properties"]["payload"] = ref("TenantPolicy")
S["Event"]["allOf"].append({"if": {"properties": {"type": {"const": "booking.reminder"}}, "required": ["type"]},
                            "then": {"properties": {"payload": ref("BookingReminderPayload")}}})
# booking.attachment_added / _removed carry the file's metadata (never its bytes), not the booking.
for cond in S["Event"]["allOf"]:
    t = cond["if"]["properties"]["type"]
    if t.get("pattern") == "^booking\\.(?!reminder$)":
        t["pattern"] = "^booking\\.(?!reminder$|attachment_)"
S["Event"]["allOf"].append({"if": {"properties": {"type": {"pattern": "^booking\\.attachment_"}}, "required": ["type"]},
                            "then": {"properties": {"payload": ref("Attachment")}}})
# calendar.synced and calendar.sync_failed carry what a fetch came to, not the calendar.
for cond in S["Event"]["allOf"]:
    t = cond["if"]["properties"]["type"]
    if t.get("pattern") == "^calendar\\.":
        t["pattern"] = "^calendar\\.(?!sync)"
CAL_SYNC = {"calendar_id": ref("CalendarId"), "provider_id": ref("ProviderId"), "name": STR, "kind": ref("CalendarKind")}
S["CalendarSyncedPayload"] = obj({**CAL_SYNC, "busy_intervals": {"type": "integer", "minimum": 0},
                                  "events": {"type": "integer", "minimum": 0}},
                                 desc="a fetch changed the calendar's stored busy time")
S["CalendarSyncFailedPayload"] = obj({**CAL_SYNC, "error": STR},
                                     desc="a fetch failed with an error other than the last one; the last good busy time is kept")
for typ, name in [("calendar.synced", "CalendarSyncedPayload"), ("calendar.sync_failed", "CalendarSyncFailedPayload")]:
    S["Event"]["allOf"].append({"if": {"properties": {"type": {"const": typ}}, "required": ["type"]},
                                "then": {"properties": {"payload": ref(name)}}})
# service.providers_added / service.provider_removed carry the change, not the whole service (whose
# providers may be thousands).
for cond in S["Event"]["allOf"]:
    t = cond["if"]["properties"]["type"]
    if t.get("pattern") == "^service\\.":
        t["pattern"] = "^service\\.(?!provider)"
S["ServiceProvidersAddedPayload"] = obj({"service_id": ref("ServiceId"),
                                         "provider_ids": arr(ref("ProviderId"), minItems=1, maxItems=1000),
                                         "provider_count": {"type": "integer", "minimum": 1}},
                                        desc="the providers one POST /v1/services/{id}/providers added, and how many offer the service after it")
S["ServiceProviderRemovedPayload"] = obj({"service_id": ref("ServiceId"), "provider_id": ref("ProviderId"),
                                          "provider_count": {"type": "integer", "minimum": 0}},
                                         desc="the provider removed, and how many offer the service after it")
for typ, name in [("service.providers_added", "ServiceProvidersAddedPayload"),
                  ("service.provider_removed", "ServiceProviderRemovedPayload")]:
    S["Event"]["allOf"].append({"if": {"properties": {"type": {"const": typ}}, "required": ["type"]},
                                "then": {"properties": {"payload": ref(name)}}})
S["EventList"] = obj({"data": arr(ref("Event")), "next_after": NINT})

def page(item, name): S[name] = obj({"data": arr(ref(item)), "next_cursor": NSTR})
for item in ["Provider", "Service", "Override", "Holiday", "TimeOff", "Booking", "WaitlistEntry", "Entry", "Key", "User"]:
    page(item, item + "Page")
page("BusinessOverride", "BusinessOverridePage")
S["Health"] = obj({"status": {"const": "ok"}})
S["Ready"] = obj({"status": {"const": "ready"}})

# --- problems (src/wire/wire.c problem_map)
import re as _re
_wire = open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src", "wire", "wire.c")).read()
_tab = _re.search(r"problem_map\[ERR__COUNT\] = \{(.*?)\n\};", _wire, _re.S).group(1)
CODES = {}
for st, c, t in _re.findall(r"\[ERR_(?!OK\])[A-Z_]+\]\s*=\s*\{(\d+),\s*\"([a-z_]+)\",\s*\"([^\"]+)\"\}", _tab):
    CODES.setdefault(c, (int(st), t))
CODES = dict(sorted(CODES.items(), key=lambda kv: (kv[1][0], kv[0])))
S["ProblemCode"] = {"type": "string", "enum": list(CODES), "description": "the stable machine code; the HTTP status and title follow from it (src/wire/wire.c problem_map)"}
S["FieldError"] = obj({"pointer": {"type": "string", "description": "a JSON pointer into the body, or a query parameter's bare name"},
                       "detail": STR})
S["Problem"] = obj({
    "type": {"type": "string", "pattern": "^urn:slotd:problem:[a-z_]+$"}, "title": STR,
    "status": {"type": "integer", "minimum": 400, "maximum": 599}, "detail": STR, "code": ref("ProblemCode"),
    "errors": arr(ref("FieldError"), maxItems=16),
    "reasons": {**arr(ref("Reason")), "description": "only with slot_unavailable"},
    "remaining": {**obj({"upcoming_bookings": INT, "entries": INT}), "description": "only with in_use"},
    "deadline": {**ref("UtcInstant"), "description": "only with policy_deadline_passed: when it closed"},
    "request_id": {"type": "string", "description": "the request's X-Request-Id"}},
    required=["type", "title", "status", "detail", "code", "errors"],
    desc="RFC 9457 problem details")
# Each code with its status, title and type, so a mismatched problem fails validation.
S["Problem"]["allOf"] = [{"if": {"properties": {"code": {"const": c}}, "required": ["code"]},
                          "then": {"properties": {"status": {"const": st}, "title": {"const": t},
                                                  "type": {"const": "urn:slotd:problem:" + c}}}}
                         for c, (st, t) in CODES.items()]

# --- responses
H = {"X-Request-Id": {"$ref": "#/components/headers/X-Request-Id"}}
R = {}
def problem_resp(name, status, desc, codes, headers=None):
    R[name] = {"description": desc, "headers": {**H, **(headers or {})},
               "content": {"application/problem+json": {"schema": {"allOf": [ref("Problem"), {
                   "properties": {"status": {"const": status}, "code": {"enum": codes}}}]}}}}
bycode = lambda st: [c for c, (s, _) in CODES.items() if s == st]
problem_resp("BadRequest", 400, "malformed request (body not JSON or not an object, duplicate keys, a bad Idempotency-Key or X-Test-Now, a query parameter holding an encoded NUL)", bycode(400))
problem_resp("Unauthorized", 401, "no, malformed or unknown API key; an unknown or expired (session_expired) console session; a failed sign-in (invalid_credentials)", bycode(401),
             {"WWW-Authenticate": {"schema": {"type": "string"}, "description": "Bearer realm=\"slotd\""}})
problem_resp("Forbidden", 403, "the key's role (or a manage token) may not do this", bycode(403))
problem_resp("NotFound", 404, "no such object in this tenant (or a malformed id)", bycode(404))
problem_resp("MethodNotAllowed", 405, "the path exists but not with this method", bycode(405),
             {"Allow": {"schema": {"type": "string"}}})
problem_resp("Conflict", 409, "conflicts with the stored state", bycode(409))
problem_resp("PreconditionFailed", 412, "If-Match does not name the current version", bycode(412))
problem_resp("TooLarge", 413, "the body is over 65 536 bytes", bycode(413))
problem_resp("UnsupportedMediaType", 415, "a body without a JSON Content-Type", bycode(415))
problem_resp("Unprocessable", 422, "well-formed but invalid; see errors[]", bycode(422))
problem_resp("TooManyRequests", 429, "too many (holds, waitlist entries, requests); see Retry-After", bycode(429),
             {"Retry-After": {"$ref": "#/components/headers/Retry-After"}})
problem_resp("Unavailable", 503, "the database is busy or unreachable, the server is shutting down, or the request ran out of its time budget", bycode(503),
             {"Retry-After": {"$ref": "#/components/headers/Retry-After"}})
problem_resp("RequestTimeout", 408, "the client did not send its request in time (answered before routing)", bycode(408))
problem_resp("UriTooLong", 414, "the request target is over the limit (answered before routing)", bycode(414))
problem_resp("HeadersTooLarge", 431, "header fields over the limits (answered before routing)", bycode(431))
problem_resp("StorageFull", 507, "the database disk is full", bycode(507))
R["NoContent"] = {"description": "done; no body", "headers": H}

def json_resp(desc, schema, headers=None):
    return {"description": desc, "headers": {**H, **(headers or {})}, "content": {"application/json": {"schema": schema}}}
ETAG = {"ETag": {"$ref": "#/components/headers/ETag"}}

def P(name, where, schema, desc, required=False):
    p = {"name": name, "in": where, "schema": schema, "description": desc}
    if required or where == "path": p["required"] = True
    return p
PAGE_PARAMS = [P("limit", "query", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "page size"),
               P("cursor", "query", STR, "the next_cursor of the previous page")]
def pid(name, schema_name, desc): return P(name, "path", ref(schema_name), desc)

paths = {}
def op(method, path, summary, responses, *, role="admin", params=(), body=None, body_required=True,
       body_ref=None, tags=None, desc=None, opid=None):
    o = {"operationId": opid, "summary": summary, "tags": tags or [path.split("/")[2] if path.startswith("/v1/") else "health"]}
    if desc: o["description"] = desc
    if role == "public":
        o["security"] = []
    else:
        o["x-slotd-roles"] = role.split(",")
    if params: o["parameters"] = list(params)
    if body_ref:
        o["requestBody"] = {"required": body_required, "content": {"application/json": {"schema": ref(body_ref)}}}
    rs = {}
    for k, v in responses.items():
        rs[str(k)] = v if isinstance(v, dict) else {"$ref": f"#/components/responses/{v}"}
    # Every route: a bad X-Test-Now (400), an oversized body (413), rate limits (429), a busy database (503).
    for st, name in [(400, "BadRequest"), (413, "TooLarge"), (429, "TooManyRequests"), (503, "Unavailable")]:
        rs.setdefault(str(st), {"$ref": f"#/components/responses/{name}"})
    if role != "public":
        rs.setdefault("401", {"$ref": "#/components/responses/Unauthorized"})
        rs.setdefault("403", {"$ref": "#/components/responses/Forbidden"})
    if body_ref:
        rs.setdefault("415", {"$ref": "#/components/responses/UnsupportedMediaType"})
        rs.setdefault("422", {"$ref": "#/components/responses/Unprocessable"})
    if method in ("post", "put", "patch", "delete"):
        rs.setdefault("507", {"$ref": "#/components/responses/StorageFull"})
    o["responses"] = dict(sorted(rs.items()))
    paths.setdefault(path, {})[method] = o

PRV = pid("provider_id", "ProviderId", "a provider")
op("get", "/healthz", "Liveness", {200: json_resp("the process is up", ref("Health"))}, role="public", opid="healthz")
op("get", "/readyz", "Readiness: the database answers and the server is not draining",
   {200: json_resp("ready", ref("Ready"))}, role="public", opid="readyz")
op("get", "/metrics", "Prometheus metrics (text format 0.0.4)",
   {200: {"description": "the metrics", "headers": H,
          "content": {"text/plain": {"schema": {"type": "string"}}}}, 401: "Unauthorized", 404: "NotFound"},
   role="public", tags=["operations"], opid="metrics",
   desc="Off by default on a public listener: served on --metrics-listen, or with the metrics bearer token.")
op("get", "/v1/openapi.json", "This document (OpenAPI 3.1)",
   {200: {"description": "docs/openapi.json as built into the binary", "headers": {**H, **ETAG},
          "content": {"application/json": {"schema": {"type": "object", "required": ["openapi", "paths"]}}}},
    304: {"description": "If-None-Match names the current ETag", "headers": H}},
   role="public", tags=["operations"], opid="openapi")

op("post", "/v1/providers", "Create a provider", {201: json_resp("the provider", ref("Provider"))},
   body_ref="ProviderCreate", opid="createProvider")
op("get", "/v1/providers", "List providers", {200: json_resp("a page of providers", ref("ProviderPage")), 422: "Unprocessable"},
   role="admin,staff", params=PAGE_PARAMS, opid="listProviders")
op("get", "/v1/providers/{provider_id}", "Read a provider", {200: json_resp("the provider", ref("Provider")), 404: "NotFound"},
   role="admin,staff", params=[PRV], opid="getProvider")
op("patch", "/v1/providers/{provider_id}", "Change a provider", {200: json_resp("the provider", ref("Provider")), 404: "NotFound"},
   params=[PRV], body_ref="ProviderPatch", opid="patchProvider")
op("delete", "/v1/providers/{provider_id}", "Delete a provider",
   {204: "NoContent", 404: "NotFound", 409: "Conflict", 422: "Unprocessable"},
   params=[PRV, P("force", "query", {"type": "string", "enum": ["true", "false"]},
                  "true cancels its upcoming bookings and takes it off its entries")],
   desc="409 in_use (with remaining) while it has upcoming bookings or schedule entries, unless force=true.",
   opid="deleteProvider")
op("put", "/v1/providers/{provider_id}/schedule", "Replace the weekly schedule",
   {200: json_resp("the schedule", ref("Schedule")), 404: "NotFound"}, params=[PRV], body_ref="SchedulePut",
   tags=["schedule"], opid="putSchedule")
op("get", "/v1/providers/{provider_id}/schedule", "Read the weekly schedule",
   {200: json_resp("the schedule", ref("Schedule")), 404: "NotFound"}, role="admin,staff", params=[PRV],
   tags=["schedule"], opid="getSchedule")
DATE_RANGE = [P("from", "query", ref("Date"), "only items on or after this date"),
              P("to", "query", ref("Date"), "only items on or before this date")]
op("post", "/v1/providers/{provider_id}/overrides", "Add a date exception",
   {201: json_resp("the override", ref("Override")), 404: "NotFound"}, params=[PRV], body_ref="OverrideCreate",
   tags=["overrides"], opid="createOverride")
op("get", "/v1/providers/{provider_id}/overrides", "List date exceptions",
   {200: json_resp("a page of overrides", ref("OverridePage")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff", params=[PRV, *PAGE_PARAMS, *DATE_RANGE], tags=["overrides"], opid="listOverrides")
op("patch", "/v1/providers/{provider_id}/overrides/{override_id}", "Edit a date exception",
   {200: json_resp("the override", ref("Override")), 404: "NotFound", 409: "Conflict"},
   params=[PRV, pid("override_id", "OverrideId", "an override")], body_ref="OverridePatch",
   tags=["overrides"], opid="patchOverride")
op("delete", "/v1/providers/{provider_id}/overrides/{override_id}", "Delete a date exception",
   {204: "NoContent", 404: "NotFound"}, params=[PRV, pid("override_id", "OverrideId", "an override")],
   tags=["overrides"], opid="deleteOverride")
op("post", "/v1/providers/{provider_id}/time-off", "Block an instant range",
   {201: json_resp("the time off", ref("TimeOff")), 404: "NotFound"}, params=[PRV], body_ref="TimeOffCreate",
   tags=["time-off"], opid="createTimeOff")
op("get", "/v1/providers/{provider_id}/time-off", "List time off",
   {200: json_resp("a page of time off", ref("TimeOffPage")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff", params=[PRV, *PAGE_PARAMS, *DATE_RANGE], tags=["time-off"], opid="listTimeOff")
op("patch", "/v1/providers/{provider_id}/time-off/{time_off_id}", "Edit time off",
   {200: json_resp("the time off", ref("TimeOff")), 404: "NotFound", 409: "Conflict"},
   params=[PRV, pid("time_off_id", "TimeOffId", "a time-off entry")], body_ref="TimeOffPatch",
   tags=["time-off"], opid="patchTimeOff")
op("delete", "/v1/providers/{provider_id}/time-off/{time_off_id}", "Delete time off",
   {204: "NoContent", 404: "NotFound"}, params=[PRV, pid("time_off_id", "TimeOffId", "a time-off entry")],
   tags=["time-off"], opid="deleteTimeOff")

SVC = pid("service_id", "ServiceId", "a service")
op("post", "/v1/services", "Create a service", {201: json_resp("the service", ref("Service"))},
   body_ref="ServiceCreate", opid="createService")
op("get", "/v1/services", "List services", {200: json_resp("a page of services", ref("ServicePage")), 422: "Unprocessable"},
   role="admin,staff", params=PAGE_PARAMS, opid="listServices")
op("get", "/v1/services/{service_id}", "Read a service", {200: json_resp("the service", ref("Service")), 404: "NotFound"},
   role="admin,staff", params=[SVC], opid="getService")
op("patch", "/v1/services/{service_id}", "Change a service", {200: json_resp("the service", ref("Service")), 404: "NotFound"},
   params=[SVC], body_ref="ServicePatch", opid="patchService")
op("delete", "/v1/services/{service_id}", "Delete a service", {204: "NoContent", 404: "NotFound"},
   params=[SVC], opid="deleteService")
SVC_PRV = [SVC, pid("provider_id", "ProviderId", "a provider of the service")]
op("get", "/v1/services/{service_id}/providers", "Each provider's price and duration for a service",
   {200: json_resp("one entry per provider of the service (staff: their providers), by provider id, a page", ref("ServiceProviderList")),
    404: "NotFound", 422: "Unprocessable"}, role="admin,staff", opid="listServiceProviders",
   params=[SVC, P("limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000, "default": 1000}, "page size"),
           P("cursor", "query", ref("ProviderId"), "the next_cursor of the previous page")])
op("post", "/v1/services/{service_id}/providers", "Add providers to a service (1-1,000 a call)",
   {200: json_resp("the providers added and how many offer it now", ref("ServiceProvidersAdded")), 404: "NotFound"},
   params=[SVC], body_ref="ServiceProvidersAdd", opid="addServiceProviders",
   desc="All or none: an unknown or deleted provider is a 422 at its index and nothing is added; one already offering the service is left as it is. Event service.providers_added (none added: nothing written).")
op("delete", "/v1/services/{service_id}/provider_ids/{provider_id}", "Remove a provider from a service",
   {204: "NoContent", 404: "NotFound"}, params=SVC_PRV, opid="removeServiceProvider",
   desc="404 when it does not offer the service. Its holds and waitlist entries for the service end. Event service.provider_removed.")
op("get", "/v1/services/{service_id}/providers/{provider_id}", "A provider's price and duration for a service",
   {200: json_resp("the provider's terms", ref("ServiceProvider")), 404: "NotFound"}, role="admin,staff",
   params=SVC_PRV, opid="getServiceProvider")
op("put", "/v1/services/{service_id}/providers/{provider_id}", "Set a provider's own price and duration for a service",
   {200: json_resp("the provider's terms", ref("ServiceProvider")), 404: "NotFound"}, role="admin,staff",
   params=SVC_PRV, body_ref="ServiceProviderPut", opid="putServiceProvider",
   desc="404 when the provider does not offer the service (add it with PATCH of the service's provider_ids).")
op("delete", "/v1/services/{service_id}/providers/{provider_id}", "Clear a provider's own price and duration",
   {204: "NoContent", 404: "NotFound"}, role="admin,staff", params=SVC_PRV, opid="deleteServiceProvider",
   desc="The provider keeps offering the service, at the service's price and duration.")

op("post", "/v1/holidays", "Add a holiday", {201: json_resp("the holiday", ref("Holiday"))},
   body_ref="HolidayCreate", opid="createHoliday")
op("get", "/v1/holidays", "List holidays", {200: json_resp("a page of holidays", ref("HolidayPage")), 422: "Unprocessable"},
   role="admin,staff", params=[*PAGE_PARAMS,
                               P("from", "query", ref("Date"), "only holidays with a date on or after this one (a rule's dates count)"),
                               P("to", "query", ref("Date"), "only holidays with a date on or before this one (a rule's dates count)"),
                               P("type", "query", HOLIDAY_TYPE, "only holidays of this type")],
   opid="listHolidays")
op("patch", "/v1/holidays/{holiday_id}", "Edit a holiday",
   {200: json_resp("the holiday", ref("Holiday")), 404: "NotFound", 409: "Conflict"},
   params=[pid("holiday_id", "HolidayId", "a holiday")], body_ref="HolidayPatch", opid="patchHoliday")
op("delete", "/v1/holidays/{holiday_id}", "Delete a holiday", {204: "NoContent", 404: "NotFound"},
   params=[pid("holiday_id", "HolidayId", "a holiday")], opid="deleteHoliday")

BOV = pid("override_id", "BusinessOverrideId", "a business override")
op("get", "/v1/business-hours", "Read the business hours",
   {200: json_resp("the business hours", ref("BusinessHours"))}, role="admin,staff", tags=["business-hours"],
   opid="getBusinessHours", desc="A key limited to some providers sees only those among exempt_provider_ids.")
op("put", "/v1/business-hours", "Replace the business hours",
   {200: json_resp("the business hours", ref("BusinessHours"))}, body_ref="BusinessHoursPut",
   tags=["business-hours"], opid="putBusinessHours")
op("delete", "/v1/business-hours", "Remove the business hours (no restriction)", {204: "NoContent", 404: "NotFound"},
   tags=["business-hours"], opid="deleteBusinessHours")
op("post", "/v1/business-hours/overrides", "Add a business override",
   {201: json_resp("the business override", ref("BusinessOverride"))}, body_ref="OverrideCreate",
   tags=["business-hours"], opid="createBusinessOverride")
op("get", "/v1/business-hours/overrides", "List business overrides",
   {200: json_resp("a page of business overrides", ref("BusinessOverridePage")), 422: "Unprocessable"},
   role="admin,staff", params=[*PAGE_PARAMS, *DATE_RANGE], tags=["business-hours"], opid="listBusinessOverrides")
op("get", "/v1/business-hours/overrides/{override_id}", "Read a business override",
   {200: json_resp("the business override", ref("BusinessOverride")), 404: "NotFound"}, role="admin,staff",
   params=[BOV], tags=["business-hours"], opid="getBusinessOverride")
op("patch", "/v1/business-hours/overrides/{override_id}", "Edit a business override",
   {200: json_resp("the business override", ref("BusinessOverride")), 404: "NotFound", 409: "Conflict"},
   params=[BOV],
   body_ref="OverridePatch", tags=["business-hours"], opid="patchBusinessOverride")
op("delete", "/v1/business-hours/overrides/{override_id}", "Delete a business override",
   {204: "NoContent", 404: "NotFound"}, params=[BOV], tags=["business-hours"], opid="deleteBusinessOverride")

BKG = pid("booking_id", "BookingId", "a booking")
IDEM = P("Idempotency-Key", "header", {"type": "string", "minLength": 1, "maxLength": 257},
         "1-255 printable ASCII characters without spaces, bare or in double quotes", required=True)
IFM = P("If-Match", "header", STR, "the booking's ETag (\"N\" or W/\"N\"); a mismatch is 412")
# The answers of a booking create, keyed or public.
BOOK_RESPONSES = {
    201: json_resp("the booking, with its manage_token", ref("BookingCreated"),
                   {**ETAG, "Idempotent-Replayed": {"schema": {"const": "true"}, "description": "a stored answer replayed"}}),
    404: "NotFound", 409: "Conflict",
    422: {"description": "invalid, a start the rules exclude (slot_unavailable, with reasons), or a reused Idempotency-Key",
          "headers": {**H, "Idempotent-Replayed": {"schema": {"const": "true"}}},
          "content": {"application/problem+json": {"schema": {"allOf": [ref("Problem"), {"properties": {"status": {"const": 422}}}]}}}}}
op("post", "/v1/bookings", "Book a start", BOOK_RESPONSES,
   role="admin,staff,customer", params=[IDEM], body_ref="BookingCreate", opid="createBooking",
   desc="Needs Idempotency-Key: the same key and body replay the stored answer (Idempotent-Replayed: true); another body is 422 idempotency_key_reused.")
op("get", "/v1/bookings", "List bookings",
   {200: json_resp("a page of bookings", ref("BookingPage")), 422: "Unprocessable"},
   role="admin,staff", params=[P("provider_id", "query", STR, "only this provider's"),
                                P("service_id", "query", STR, "only this service's"),
                                P("customer_email", "query", STR, "only this customer's"),
                                P("q", "query", {"type": "string", "minLength": 1, "maxLength": 100},
                                  "search: a case-insensitive substring of the customer's name, e-mail or phone or of the reference; % and _ match themselves"),
                                P("status", "query", ref("BookingStatus"), "only this status"),
                                P("from", "query", STR, "only bookings starting at or after (RFC 3339 or a date)"),
                                P("to", "query", STR, "only bookings starting before (RFC 3339 or a date)"),
                                *PAGE_PARAMS], opid="listBookings")
op("get", "/v1/bookings/{booking_id}", "Read a booking",
   {200: json_resp("the booking", ref("Booking"), ETAG), 404: "NotFound"},
   role="admin,staff,manage_token", params=[BKG], opid="getBooking")
op("get", "/v1/bookings/{booking_id}.ics", "A booking as an iCalendar file",
   {200: {"description": "text/calendar in the provider's zone", "headers": {**H, **ETAG},
          "content": {"text/calendar": {"schema": {"type": "string"}}}}, 404: "NotFound"},
   role="admin,staff,manage_token", params=[BKG], opid="getBookingIcs")
op("patch", "/v1/bookings/{booking_id}", "Edit a booking in place: notes, internal and completion notes, customer, metadata, location",
   {200: json_resp("the booking after the edit", ref("Booking"), ETAG), 404: "NotFound", 409: "Conflict",
    412: "PreconditionFailed"},
   role="admin,staff,manage_token", body_ref="BookingPatch", params=[BKG, IFM], opid="patchBooking")
op("post", "/v1/bookings/{booking_id}/feedback", "Give feedback on a completed booking (once)",
   {201: json_resp("the feedback", ref("BookingFeedback")), 404: "NotFound", 409: "Conflict"},
   role="manage_token", body_ref="FeedbackCreate", params=[BKG], opid="createFeedback")
op("patch", "/v1/bookings/{booking_id}/feedback", "Change the feedback within 7 days of giving it",
   {200: json_resp("the feedback", ref("BookingFeedback")), 404: "NotFound", 409: "Conflict"},
   role="manage_token", body_ref="FeedbackPatch", params=[BKG], opid="patchFeedback")
op("get", "/v1/bookings/{booking_id}/feedback", "A booking's feedback",
   {200: json_resp("the feedback", ref("BookingFeedback")), 404: "NotFound"},
   role="admin,staff,manage_token", params=[BKG], opid="getFeedback")
op("get", "/v1/bookings/{booking_id}/history", "A booking's changes",
   {200: json_resp("the history", ref("BookingHistory")), 404: "NotFound"},
   role="admin,staff", params=[BKG], opid="getBookingHistory")
op("get", "/v1/bookings/{booking_id}/reminders", "A booking's reminders: planned, and when each was sent",
   {200: json_resp("the reminders, largest offset first, times in the provider's zone", ref("BookingReminders")), 404: "NotFound"},
   role="admin,staff,manage_token", params=[BKG], opid="getBookingReminders")
op("post", "/v1/bookings/{booking_id}/{action}", "Confirm, decline, cancel, complete or mark a no-show",
   {200: json_resp("the booking after the action", ref("Booking"), ETAG), 404: "NotFound", 409: "Conflict",
    412: "PreconditionFailed", 415: "UnsupportedMediaType", 422: "Unprocessable"},
   role="admin,staff,manage_token", body_ref="BookingAction", body_required=False,
   params=[BKG, P("action", "path", {"type": "string", "enum": ["confirm", "decline", "cancel", "complete", "no-show"]},
                  "the action (a manage token may only cancel); any other is 404"), IFM],
   opid="actOnBooking")
op("post", "/v1/bookings/{booking_id}/reschedule", "Move a booking to another start",
   {200: json_resp("the booking after the move", ref("Booking"), ETAG), 404: "NotFound", 409: "Conflict",
    412: "PreconditionFailed"},
   role="admin,staff,manage_token", body_ref="BookingReschedule", params=[BKG, IFM], opid="rescheduleBooking")

# --- booking attachments (metadata as JSON; the bytes as they were uploaded)
ATTACHMENT_TYPES = ["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/heic",
                    "image/heif", "text/plain", "text/csv", "application/rtf", "application/msword",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/vnd.ms-excel",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "application/vnd.ms-powerpoint",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                    "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet",
                    "application/vnd.oasis.opendocument.presentation"]
S["AttachmentId"] = idp("att")
S["Attachment"] = obj({"id": ref("AttachmentId"), "booking_id": ref("BookingId"),
                       "filename": {"type": "string", "minLength": 1, "maxLength": 200,
                                    "description": "as uploaded, made safe: no path, no control characters, at most 200 bytes of UTF-8"},
                       "content_type": {"type": "string", "enum": ATTACHMENT_TYPES},
                       "size": {"type": "integer", "minimum": 1, "description": "bytes"},
                       "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
                       "created_at": ref("UtcInstant")})
S["AttachmentList"] = obj({"data": arr(ref("Attachment"), maxItems=100)})
ATT = pid("attachment_id", "AttachmentId", "an attachment of the booking")
op("post", "/v1/bookings/{booking_id}/attachments", "Attach a file to a booking",
   {201: json_resp("the stored file's metadata", ref("Attachment"),
                   {"Location": {"schema": STR, "description": "the download's path"}}),
    404: "NotFound", 415: "UnsupportedMediaType", 422: "Unprocessable"},
   role="admin,staff,manage_token", tags=["bookings"], opid="uploadAttachment",
   params=[BKG, P("filename", "query", STR, "the file's name (a raw body; else Content-Disposition's filename, or the multipart part's)")],
   desc="The body is the file itself (Content-Type: its type; the name from ?filename= or Content-Disposition: attachment; filename=…) "
        "or multipart/form-data with one file part. Limits: --attachment-max-bytes per file (413, checked from Content-Length before the "
        "body is read and while it streams), --attachment-booking-max-bytes for all of a booking's files (413), 100 files a booking (422 "
        "record_limit_reached); a type off the allow-list is 415. Event booking.attachment_added.")
paths["/v1/bookings/{booking_id}/attachments"]["post"]["requestBody"] = {
    "required": True,
    "content": {**{t: {"schema": {"type": "string", "format": "binary"}} for t in ATTACHMENT_TYPES},
                "application/octet-stream": {"schema": {"type": "string", "format": "binary"},
                                             "description": "the type is then taken from the filename's extension"},
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "format": "binary", "description": "the one part with a filename; its Content-Type is the file's type"}}}}}}
op("get", "/v1/bookings/{booking_id}/attachments", "A booking's attachments",
   {200: json_resp("the files, oldest first", ref("AttachmentList")), 404: "NotFound"},
   role="admin,staff,manage_token", tags=["bookings"], params=[BKG], opid="listAttachments")
op("get", "/v1/bookings/{booking_id}/attachments/{attachment_id}", "Download an attachment",
   {200: {"description": "the file's bytes as uploaded, with the stored Content-Type",
          "headers": {**H,
                      "Content-Disposition": {"schema": STR, "description": "attachment; filename=\"<ASCII stand-in>\"; filename*=UTF-8''<the name, percent-encoded>"},
                      "X-Content-Type-Options": {"schema": {"const": "nosniff"}},
                      "Content-Length": {"schema": INT}},
          "content": {t: {"schema": {"type": "string", "format": "binary"}} for t in ATTACHMENT_TYPES}},
    404: "NotFound"},
   role="admin,staff,manage_token", tags=["bookings"], params=[BKG, ATT], opid="downloadAttachment")
op("delete", "/v1/bookings/{booking_id}/attachments/{attachment_id}", "Delete an attachment",
   {204: "NoContent", 404: "NotFound"},
   role="admin,staff,manage_token", tags=["bookings"], params=[BKG, ATT], opid="deleteAttachment",
   desc="A manage token may delete only files uploaded with a manage token (403 for the business's own). Event booking.attachment_removed.")

# The range, provider and zone of a slot list (keyed and public).
SLOT_RANGE = [P("from", "query", ref("Date"), "first date, in the display zone", True),
              P("to", "query", ref("Date"), "last date (inclusive); at most 93 days after from", True),
              P("provider_id", "query", ref("ProviderId"), "one provider (default: all of the service's)"),
              P("timezone", "query", STR, "the display zone (IANA); required when the providers' zones differ")]
op("get", "/v1/slots", "Bookable start times of a service over a date range",
   {200: json_resp("the slots, by start then provider (group=start: by start, each once)", ref("SlotsAny")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff,customer,manage_token", tags=["slots"], opid="listSlots",
   desc="A manage token may list its booking's service only (the times it may move to).",
   params=[P("service_id", "query", ref("ServiceId"), "the service", True), *SLOT_RANGE,
           P("group", "query", {"type": "string", "enum": ["start"]}, "start: each start once with providers_free (not with provider_id)"),
           P("include", "query", {"type": "string", "enum": ["provider_ids"]}, "with group=start: the free providers' ids"),
           P("provider_limit", "query", {"type": "integer", "minimum": 1, "maximum": 1000}, "a page of the service's providers (by id), with next_provider_cursor"),
           P("provider_cursor", "query", ref("ProviderId"), "the next_provider_cursor of the previous page")])
SLOT_SHAPE = paths["/v1/slots"]["get"]["parameters"][-4:]
op("get", "/v1/slots/explain", "Why one start is or is not bookable",
   {200: json_resp("the verdict and its reasons", ref("Explain")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff,customer", tags=["slots"], opid="explainSlot",
   params=[P("service_id", "query", ref("ServiceId"), "the service", True),
           P("provider_id", "query", ref("ProviderId"), "the provider", True),
           P("start", "query", ref("InstantIn"), "the start (URL-encode + as %2B)", True),
           P("timezone", "query", STR, "the zone start and end are shown in (default: the provider's)")])

HLD = pid("hold_id", "HoldId", "a hold")
op("post", "/v1/holds", "Reserve a start for a few minutes",
   {201: json_resp("the hold", ref("Hold")), 404: "NotFound", 409: "Conflict"},
   role="admin,staff,customer", body_ref="HoldCreate", opid="createHold")
op("get", "/v1/holds/{hold_id}", "Read a hold", {200: json_resp("the hold", ref("Hold")), 404: "NotFound"},
   role="admin,staff,customer", params=[HLD], opid="getHold")
op("delete", "/v1/holds/{hold_id}", "Release a hold", {204: "NoContent", 404: "NotFound"},
   role="admin,staff,customer", params=[HLD], opid="deleteHold")

WTL = pid("waitlist_id", "WaitlistId", "a waitlist entry")
op("post", "/v1/waitlist", "Join the waitlist of a service",
   {201: json_resp("the entry (offered at once when a start fits)", ref("WaitlistEntry")), 404: "NotFound"},
   role="admin,staff,customer", body_ref="WaitlistCreate", opid="joinWaitlist")
op("get", "/v1/waitlist", "List waitlist entries",
   {200: json_resp("a page of entries", ref("WaitlistEntryPage")), 422: "Unprocessable"}, role="admin,staff",
   params=[P("service_id", "query", STR, "only this service's"),
           P("status", "query", {"type": "string", "enum": WL_STATUS}, "only this status"), *PAGE_PARAMS],
   opid="listWaitlist")
op("get", "/v1/waitlist/{waitlist_id}", "Read a waitlist entry",
   {200: json_resp("the entry", ref("WaitlistEntry")), 404: "NotFound"}, role="admin,staff", params=[WTL],
   opid="getWaitlistEntry")
op("patch", "/v1/waitlist/{waitlist_id}", "Edit a waitlist entry",
   {200: json_resp("the entry (offered at once when a start now fits)", ref("WaitlistEntry")), 404: "NotFound",
    409: "Conflict"}, role="admin,staff", params=[WTL], body_ref="WaitlistPatch", opid="patchWaitlistEntry")
op("delete", "/v1/waitlist/{waitlist_id}", "Remove a waitlist entry (and its open offer)",
   {204: "NoContent", 404: "NotFound"}, role="admin,staff", params=[WTL], opid="deleteWaitlistEntry")

op("get", "/v1/policy", "The tenant's policy defaults", {200: json_resp("the policy", ref("TenantPolicy"))},
   role="admin,staff", opid="getPolicy")
op("put", "/v1/policy", "Replace the tenant's policy defaults", {200: json_resp("the policy", ref("TenantPolicy"))},
   body_ref="TenantPolicyIn", opid="putPolicy")
S["RateLimit"] = obj({"quota": {"type": "integer", "minimum": 1, "maximum": 1000000,
                               "description": "requests per window; at most ten times the server's per-key limit (burst and rate)"},
                     "window_seconds": {"type": "integer", "minimum": 1, "maximum": 86400}})
S["PageSettings"] = obj({"display_name": {"type": ["string", "null"], "description": "the page's heading; null = the tenant's name"},
                       "brand_color": {"type": ["string", "null"], "pattern": "^#[0-9a-fA-F]{6}$"},
                       "logo_url": {"type": ["string", "null"], "pattern": "^https://"},
                       "provider_choice": {"type": "boolean", "description": "false: customers book the first free provider (\"any\") only"}})
S["PageSettingsIn"] = obj({"display_name": {"type": ["string", "null"], "minLength": 1},
                         "brand_color": {"type": ["string", "null"], "pattern": "^#[0-9a-fA-F]{6}$"},
                         "logo_url": {"type": ["string", "null"], "pattern": "^https://", "maxLength": 512},
                         "provider_choice": BOOL}, required=[], desc="each member left out or null is not set (provider_choice: true)")
S["Settings"] = obj({"rate_limits": obj({"key": nullable(ref("RateLimit"))}),
                     "locale": {"oneOf": [ref("Locale"), {"type": "null"}], "description": "messages' default language; null = en"},
                     "booking_page": ref("PageSettings")},
                    desc="the tenant's settings; a null limit is the server's default")
S["SettingsPut"] = obj({"rate_limits": {"type": ["object", "null"], "properties": {"key": nullable(ref("RateLimit"))},
                                        "additionalProperties": False},
                        "locale": {"oneOf": [ref("Locale"), {"type": "null"}]},
                        "booking_page": nullable(ref("PageSettingsIn"))}, required=[],
                       desc="replaces the settings; a member left out or null is the server's default")
op("get", "/v1/settings", "The tenant's settings (rate limit of its API keys)",
   {200: json_resp("the settings", ref("Settings"))}, tags=["settings"], opid="getSettings")
op("put", "/v1/settings", "Replace the tenant's settings", {200: json_resp("the settings", ref("Settings"))},
   body_ref="SettingsPut", tags=["settings"], opid="putSettings")
# --- the public booking page's API (no key) and the manage token's view
S["PublicTenant"] = obj({"slug": STR, "name": STR, "display_name": STR, "brand_color": NSTR, "logo_url": NSTR,
                        "provider_choice": BOOL, "locale": ref("Locale")})
S["PublicProvider"] = obj({"id": ref("ProviderId"), "name": NSTR, "time_zone": STR, **PROFILE_OUT})
S["PublicService"] = obj({"id": ref("ServiceId"), "name": STR, "duration_minutes": INT, "price": NSTR, "currency": NSTR,
                         "capacity": INT, "requires_approval": BOOL,
                         "policy": {**ref("Policy"), "description": "resolved: the service's fields over the tenant's"},
                         "providers": arr(ref("PublicProvider"), description="the providers by id: the first 200 when the service has more (then provider_count is present; \"any provider\" books among all of them)"),
                         "location": nullable(ref("PublicServiceLocation")),
                         "provider_count": {"type": "integer", "minimum": 201, "description": "only when more than 200 providers offer the service: how many"},
                         "provider_overrides": arr(ref("ProviderOverride"), description="the listed providers with their own price or duration")})
S["PublicService"]["required"].remove("provider_count")
S["PublicPage"] = obj({"tenant": ref("PublicTenant"), "services": arr(ref("PublicService"))})
S["ActionQuote"] = obj({"allowed": BOOL, "deadline": nullable(ref("Instant")), "fee": nullable(ref("Fee")),
                       "code": {"type": "string", "enum": ["policy_deadline_passed", "reschedule_limit_reached", "booking_ended"],
                                "description": "why not, when not allowed"},
                       "reason": STR}, required=["allowed", "deadline"])
S["ManageView"] = obj({"booking": ref("Booking"), "tenant": ref("PublicTenant"),
                      "service": obj({"id": ref("ServiceId"), "name": NSTR, "duration_minutes": NINT}),
                      "provider": ref("PublicProvider"), "cancel": ref("ActionQuote"), "reschedule": ref("ActionQuote")})
SLUG = P("tenant_slug", "path", STR, "the tenant's slug")
op("get", "/v1/public/{tenant_slug}", "The booking page: the tenant's page settings and public services",
   {200: json_resp("the page", ref("PublicPage")), 404: "NotFound"}, role="public", params=[SLUG],
   tags=["public"], opid="publicPage")
op("get", "/v1/public/{tenant_slug}/slots", "Bookable start times of a public service (as GET /v1/slots)",
   {200: json_resp("the slots, by start then provider (group=start: by start, each once)", ref("SlotsAny")), 404: "NotFound", 422: "Unprocessable"},
   role="public", tags=["public"], opid="publicSlots",
   params=[SLUG, P("service_id", "query", ref("ServiceId"), "a public service", True), *SLOT_RANGE, *SLOT_SHAPE])
op("post", "/v1/public/{tenant_slug}/holds", "Reserve a start of a public service (caps per address and e-mail)",
   {201: json_resp("the hold", ref("Hold")), 404: "NotFound", 409: "Conflict"},
   role="public", params=[SLUG], body_ref="HoldCreate", tags=["public"], opid="publicCreateHold")
op("delete", "/v1/public/{tenant_slug}/holds/{hold_id}", "Release a visitor's hold", {204: "NoContent", 404: "NotFound"},
   role="public", params=[SLUG, HLD], tags=["public"], opid="publicDeleteHold")
op("post", "/v1/public/{tenant_slug}/bookings", "Book a public service", BOOK_RESPONSES,
   role="public", params=[SLUG, IDEM], body_ref="BookingCreate", tags=["public"], opid="publicCreateBooking")
op("post", "/v1/public/{tenant_slug}/waitlist", "Join the waitlist of a public service",
   {201: json_resp("the entry", ref("WaitlistEntry")), 404: "NotFound"},
   role="public", params=[SLUG], body_ref="WaitlistCreate", tags=["public"], opid="publicJoinWaitlist")
op("get", "/v1/public/{tenant_slug}/waitlist/{waitlist_id}", "A visitor's waitlist entry (the link in an offer names it)",
   {200: json_resp("the entry", ref("WaitlistEntry")), 404: "NotFound"},
   role="public", params=[SLUG, WTL], tags=["public"], opid="publicWaitlistEntry")
op("get", "/v1/manage", "The manage token's booking with its page's details and what may be done now",
   {200: json_resp("the booking, tenant, service, provider, and cancel and reschedule quotes", ref("ManageView"))},
   role="manage_token", tags=["public"], opid="manageView")
HTML = {"description": "the web UI's page (it routes in the browser)", "headers": H,
        "content": {"text/html": {"schema": {"type": "string"}}}}
for path, summary, params, opid in [
        ("/book/{tenant_slug}", "The booking page", [SLUG], "webBookingPage"),
        ("/book/{tenant_slug}/{service_id}", "The booking page with a service chosen", [SLUG, P("service_id", "path", STR, "a public service")], "webBookingPageService"),
        ("/book/{tenant_slug}/bookings/{booking_id}", "The manage page (?token=mt_…, the link in messages)", [SLUG, BKG], "webManagePageLink"),
        ("/manage/{token}", "The manage page", [P("token", "path", STR, "the booking's manage token")], "webManagePage")]:
    op("get", path, summary, {200: HTML, 304: {"description": "If-None-Match names the current ETag", "headers": H},
                              404: "NotFound"}, role="public", params=params, tags=["web"],
       opid=opid)
op("get", "/assets/{file}", "The web UI's files (hashed names, cached for a year)",
   {200: {"description": "the file", "headers": H, "content": {"*/*": {"schema": {"type": "string"}}}},
    304: {"description": "If-None-Match names the current ETag", "headers": H}, 404: "NotFound"},
   role="public", params=[P("file", "path", STR, "the file's name")], tags=["web"], opid="webAsset")
op("get", "/console", "The staff console", {200: HTML, 304: {"description": "If-None-Match names the current ETag", "headers": H},
                                            404: "NotFound"}, role="public", tags=["web"], opid="webConsole")
for path, params, opid in [("/console/", [], "webConsoleSlash"),
                           ("/console/{view}", [P("view", "path", STR, "a view of the console")], "webConsoleView"),
                           ("/console/{view}/{item}", [P("view", "path", STR, "a view of the console"),
                                                       P("item", "path", STR, "an item of the view")], "webConsoleItem")]:
    op("get", path, "The staff console at one of its views (it routes in the browser)",
       {200: HTML, 304: {"description": "If-None-Match names the current ETag", "headers": H}, 404: "NotFound"},
       role="public", params=params, tags=["web"], opid=opid)
op("get", "/embed.js", "The script that embeds the booking page in another website",
   {200: {"description": "JavaScript", "headers": H, "content": {"text/javascript": {"schema": {"type": "string"}}}},
    304: {"description": "If-None-Match names the current ETag", "headers": H}, 404: "NotFound"},
   role="public", tags=["web"], opid="webEmbed")

op("get", "/v1/events", "Every change in commit order (the audit log and outbox)",
   {200: json_resp("a page of events", ref("EventList")), 422: "Unprocessable"}, opid="listEvents",
   params=[P("after", "query", {"type": "integer", "minimum": 0, "default": 0}, "only events with a larger seq"),
           P("limit", "query", {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}, "page size"),
           P("type", "query", {"type": "string", "pattern": "^[a-z0-9_.]+$"}, "an exact type or a prefix ending in a dot"),
           P("subject_id", "query", STR, "one object's events"),
           P("actor_id", "query", STR, "one actor's events"),
           P("from", "query", STR, "created_at at or after (RFC 3339 or a date, UTC)"),
           P("to", "query", STR, "created_at before (RFC 3339 or a date, UTC)")])

KEY = pid("key_id", "KeyId", "an API key")
op("post", "/v1/keys", "Create an API key (its secret is shown once)", {201: json_resp("the key with its secret", ref("KeyCreated"))},
   body_ref="KeyCreate", opid="createKey")
op("get", "/v1/keys", "List live keys", {200: json_resp("a page of keys", ref("KeyPage")), 422: "Unprocessable"},
   params=PAGE_PARAMS, opid="listKeys")
op("get", "/v1/keys/{key_id}", "Read a key", {200: json_resp("the key", ref("Key")), 404: "NotFound"},
   params=[KEY], opid="getKey")
op("delete", "/v1/keys/{key_id}", "Revoke a key", {204: "NoContent", 404: "NotFound", 409: "Conflict"},
   params=[KEY], opid="revokeKey")

# --- console users and sessions
USR = pid("user_id", "UserId", "a user")
op("post", "/v1/users", "Create a console user (a generated password is shown once)",
   {201: json_resp("the user; with password when one was generated", ref("User")), 409: "Conflict"},
   body_ref="UserCreate", tags=["users"], opid="createUser",
   desc="409 conflict when the tenant has a user with the e-mail.")
op("get", "/v1/users", "List console users", {200: json_resp("a page of users", ref("UserPage")), 422: "Unprocessable"},
   params=PAGE_PARAMS, tags=["users"], opid="listUsers")
op("get", "/v1/users/{user_id}", "Read a user", {200: json_resp("the user", ref("User")), 404: "NotFound"},
   params=[USR], tags=["users"], opid="getUser")
op("patch", "/v1/users/{user_id}", "Change a user (a new password, role, provider or disabled flag ends its sessions)",
   {200: json_resp("the user", ref("User")), 404: "NotFound"}, params=[USR], body_ref="UserPatch", tags=["users"],
   opid="patchUser",
   desc="An admin signed in with a session may not disable or demote themself (422).")
op("delete", "/v1/users/{user_id}", "Delete a user and its sessions", {204: "NoContent", 404: "NotFound", 422: "Unprocessable"},
   params=[USR], tags=["users"], opid="deleteUser",
   desc="An admin signed in with a session may not delete themself (422).")
op("delete", "/v1/users/{user_id}/sessions", "End every session of a user", {204: "NoContent", 404: "NotFound"},
   params=[USR], tags=["users"], opid="endUserSessions")
COOKIE = {"Set-Cookie": {"schema": {"type": "string"},
                         "description": "slotd_session=<token>; Path=/; HttpOnly; SameSite=Strict; Max-Age=<seconds> (and Secure over HTTPS)"}}
op("post", "/v1/sessions", "Sign in to the console: a session cookie and its CSRF token",
   {201: json_resp("the session", ref("Session"), COOKIE),
    401: "Unauthorized", 422: "Unprocessable"},
   role="public", body_ref="SessionCreate", tags=["sessions"], opid="createSession",
   desc="Every refusal (unknown organisation or e-mail, wrong password, disabled user) is the same 401 invalid_credentials. "
        "Five failures for one organisation and e-mail within 15 minutes refuse that account with 429 until the 15 minutes "
        "have passed; failures also count against the client address's failed-authentication allowance.")
op("get", "/v1/sessions/current", "The signed-in user's session (the slotd_session cookie)",
   {200: json_resp("the session", ref("Session"))}, role="admin,staff", tags=["sessions"], opid="currentSession",
   desc="401 unauthorized without a session; 401 session_expired once it has been idle too long or reached its end.")
op("delete", "/v1/sessions/current", "Sign out: ends the session and clears the cookie (needs X-CSRF-Token)",
   {204: {"description": "signed out", "headers": {**H, **COOKIE}}}, role="admin,staff", tags=["sessions"],
   opid="deleteSession")

# --- calendar feeds
S["FeedId"] = idp("fed")
S["FeedKind"] = {"type": "string", "enum": ["details", "busy"],
                 "description": "details: service, customer name, reference and notes; busy: \"Busy\" blocks only"}
S["Feed"] = obj({"id": ref("FeedId"), "provider_id": nullable(ref("ProviderId")), "kind": ref("FeedKind"), "name": NSTR,
                 "days_back": {"type": "integer", "minimum": 0, "maximum": 365},
                 "days_ahead": {"type": "integer", "minimum": 1, "maximum": 730},
                 "created_at": ref("UtcInstant"), "last_used_at": nullable(ref("UtcInstant")),
                 "url": {"type": "string", "pattern": "/feeds/cal_[A-Za-z0-9_-]{43}\\.ics$",
                         "description": "only in the 201 answer: the subscription URL, which holds the secret token"},
                 "webcal_url": {"type": "string", "description": "only in the 201 answer: url with the webcal scheme (\"\" when the server knows no host)"}},
                required=["id", "provider_id", "kind", "name", "days_back", "days_ahead", "created_at", "last_used_at"],
                desc="provider_id null: a tenant-wide feed (every provider)")
S["FeedCreated"] = {"allOf": [ref("Feed"), {"required": ["url", "webcal_url"]}]}
S["FeedCreate"] = obj({"kind": ref("FeedKind"), "name": {"type": ["string", "null"], "maxLength": 200},
                       "days_back": {"type": ["integer", "null"], "minimum": 0, "maximum": 365, "default": 30},
                       "days_ahead": {"type": ["integer", "null"], "minimum": 1, "maximum": 730, "default": 180}},
                      required=["kind"])
page("Feed", "FeedPage")
FED = pid("feed_id", "FeedId", "a feed")
op("post", "/v1/providers/{provider_id}/feeds", "Create a provider's calendar feed (its URL is shown once)",
   {201: json_resp("the feed with its URL", ref("FeedCreated")), 404: "NotFound"}, role="admin,staff",
   params=[PRV], body_ref="FeedCreate", tags=["feeds"], opid="createProviderFeed")
op("get", "/v1/providers/{provider_id}/feeds", "List a provider's calendar feeds",
   {200: json_resp("a page of feeds", ref("FeedPage")), 404: "NotFound", 422: "Unprocessable"}, role="admin,staff",
   params=[PRV, *PAGE_PARAMS], tags=["feeds"], opid="listProviderFeeds")
op("delete", "/v1/providers/{provider_id}/feeds/{feed_id}", "Revoke a provider's calendar feed",
   {204: "NoContent", 404: "NotFound"}, role="admin,staff", params=[PRV, FED], tags=["feeds"],
   opid="revokeProviderFeed")
op("post", "/v1/feeds", "Create a tenant-wide calendar feed (every provider; its URL is shown once)",
   {201: json_resp("the feed with its URL", ref("FeedCreated"))}, body_ref="FeedCreate", tags=["feeds"],
   opid="createFeed")
op("get", "/v1/feeds", "List every calendar feed of the tenant",
   {200: json_resp("a page of feeds", ref("FeedPage")), 422: "Unprocessable"}, params=PAGE_PARAMS, tags=["feeds"],
   opid="listFeeds")
op("delete", "/v1/feeds/{feed_id}", "Revoke any calendar feed of the tenant", {204: "NoContent", 404: "NotFound"},
   params=[FED], tags=["feeds"], opid="revokeFeed")
FEED_HEADERS = {"ETag": {"description": "a strong tag of the body", "schema": STR},
                "Last-Modified": {"description": "see docs/api.md, Calendar feeds", "schema": STR},
                "Cache-Control": {"schema": STR}}
op("get", "/feeds/{feed_file}", "A calendar feed (iCalendar), read with its token alone",
   {200: {"description": "text/calendar: the feed", "headers": {**H, **FEED_HEADERS},
          "content": {"text/calendar": {"schema": STR}}},
    304: {"description": "If-None-Match names the ETag, or (without If-None-Match) If-Modified-Since is at or after Last-Modified",
          "headers": {**H, **FEED_HEADERS}},
    404: "NotFound"},
   role="public", params=[P("feed_file", "path", {"type": "string", "pattern": "^cal_[A-Za-z0-9_-]+\\.ics$"},
                            "the feed's token followed by .ics")],
   tags=["feeds"], opid="getFeed",
   desc="No Authorization: the token in the URL is the credential. Rate limited per token (--rate-limit-token); unknown tokens count as failed authentications of the address.")

# --- external calendars
S["CalendarId"] = idp("cal")
S["CalendarKind"] = {"type": "string", "enum": ["ics", "caldav"],
                     "description": "ics: an iCalendar subscription address (a \"secret address\"); caldav: a CalDAV calendar collection"}
S["ExternalCalendar"] = obj({
    "id": ref("CalendarId"), "provider_id": ref("ProviderId"), "kind": ref("CalendarKind"), "name": STR,
    "url": {"type": "string", "description": "caldav: the collection's URL as given; ics: only \"scheme://host/…\" (the rest of a secret address is the secret)"},
    "username": NSTR, "has_password": BOOL,
    "write": {"type": "boolean", "description": "caldav: every booking of the provider is written into it"},
    "enabled": BOOL, "sync_interval_minutes": {"type": "integer", "minimum": 1, "maximum": 1440},
    "last_synced_at": {**nullable(ref("UtcInstant")), "description": "the last successful fetch (a 304 or an unchanged ctag included)"},
    "last_attempt_at": nullable(ref("UtcInstant")),
    "last_error": {"type": ["string", "null"], "description": "why the last fetch failed; null after a success"},
    "events": {"type": "integer", "minimum": 0, "description": "busy VEVENTs (masters and overrides) the last good fetch read"},
    "busy_intervals": {"type": "integer", "minimum": 0, "description": "stored busy intervals"},
    "next_sync_at": ref("UtcInstant"), "version": {"type": "integer", "minimum": 1},
    "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")},
    desc="a provider's external calendar; its password and an iCalendar address are stored encrypted and never shown")
S["ExternalCalendar"]["allOf"] = [{"if": {"properties": {"kind": {"const": "ics"}}, "required": ["kind"]},
                                   "then": {"properties": {"url": {"pattern": "^https?://[^/]+/…$"}, "username": {"type": "null"},
                                                           "has_password": {"const": False}, "write": {"const": False}}}}]
cal_in = {"kind": ref("CalendarKind"),
          "url": {"type": "string", "maxLength": 2048,
                  "description": "http or https (webcal:// is read as https://); its host must resolve to public addresses only"},
          "name": {"type": ["string", "null"], "minLength": 1, "maxLength": 200, "description": "default (and null): the URL's host"},
          "username": {"type": ["string", "null"], "maxLength": 256, "description": "caldav only; null or \"\" = none"},
          "password": {"type": ["string", "null"], "maxLength": 1024, "description": "caldav only; null or \"\" = none; never shown"},
          "write": {"type": "boolean", "description": "caldav only (true is 422 for ics); default false"},
          "enabled": {"type": "boolean", "description": "default true; false removes its busy time"},
          "sync_interval_minutes": {"type": "integer", "minimum": 1, "maximum": 1440, "default": 5}}
S["ExternalCalendarCreate"] = obj(cal_in, required=["kind", "url"])
S["ExternalCalendarPatch"] = obj(cal_in, required=[],
                                 desc="only the fields present change; kind cannot change (422 /kind); a new url, username or password, "
                                      "or enabling, makes it due for a full fetch at once")
page("ExternalCalendar", "ExternalCalendarPage")
CAL = pid("calendar_id", "CalendarId", "an external calendar")
CAL_SSRF = ("The URL's host is resolved when the calendar is saved (and each address again at every fetch, as it is connected to); "
            "a loopback, private, link-local, CGNAT, unique-local, IPv4-mapped or unspecified address is 422 at /url unless the "
            "server runs with --allow-private-webhooks (SLOTD_WEBHOOK_ALLOW_PRIVATE=1). An ics address, and a caldav password, "
            "need the server's secret key (--secret-key-file): without one they are 422.")
op("post", "/v1/providers/{provider_id}/calendars", "Connect an external calendar of a provider (due for a sync at once)",
   {201: json_resp("the calendar", ref("ExternalCalendar"), ETAG), 404: "NotFound"}, role="admin,staff",
   params=[PRV], body_ref="ExternalCalendarCreate", tags=["calendars"], opid="createProviderCalendar", desc=CAL_SSRF)
op("get", "/v1/providers/{provider_id}/calendars", "List a provider's external calendars",
   {200: json_resp("a page of calendars", ref("ExternalCalendarPage")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff", params=[PRV, *PAGE_PARAMS], tags=["calendars"], opid="listProviderCalendars")
op("get", "/v1/providers/{provider_id}/calendars/{calendar_id}", "Read an external calendar (its last sync)",
   {200: json_resp("the calendar", ref("ExternalCalendar"), ETAG), 404: "NotFound"}, role="admin,staff",
   params=[PRV, CAL], tags=["calendars"], opid="getProviderCalendar")
op("patch", "/v1/providers/{provider_id}/calendars/{calendar_id}", "Change an external calendar",
   {200: json_resp("the calendar", ref("ExternalCalendar"), ETAG), 404: "NotFound", 412: "PreconditionFailed"},
   role="admin,staff", params=[PRV, CAL, P("If-Match", "header", STR, "the calendar's ETag (\"N\" or W/\"N\"); a mismatch is 412")],
   body_ref="ExternalCalendarPatch", tags=["calendars"], opid="patchProviderCalendar", desc=CAL_SSRF)
op("delete", "/v1/providers/{provider_id}/calendars/{calendar_id}", "Remove an external calendar and its busy time",
   {204: "NoContent", 404: "NotFound"}, role="admin,staff", params=[PRV, CAL], tags=["calendars"],
   opid="deleteProviderCalendar")
op("post", "/v1/providers/{provider_id}/calendars/{calendar_id}/sync", "Sync an external calendar now (in the background)",
   {202: json_resp("the calendar, due at once; poll it until last_attempt_at changes", ref("ExternalCalendar"), ETAG),
    404: "NotFound", 409: "Conflict"}, role="admin,staff", params=[PRV, CAL], tags=["calendars"],
   opid="syncProviderCalendar", desc="409 when the calendar is disabled.")

ENT = pid("entry_id", "EntryId", "a schedule entry")
SCOPE = [P("scope", "query", {"type": "string", "enum": ["this", "future", "all"], "default": "all"},
           "one occurrence, this and later ones, or the whole series"),
         P("occurrence", "query", ref("InstantIn"), "the occurrence's original start (required with this and future)")]
op("post", "/v1/entries", "Create a schedule entry",
   {201: json_resp("the entry and its conflicts", ref("EntryWritten"), ETAG)},
   role="admin,staff", body_ref="EntryCreate", opid="createEntry")
op("get", "/v1/entries", "List schedule entries (series)",
   {200: json_resp("a page of entries", ref("EntryPage")), 422: "Unprocessable"}, role="admin,staff",
   params=[P("assignee_id", "query", ref("ProviderId"), "only entries assigned to this provider"), *PAGE_PARAMS],
   opid="listEntries")
op("get", "/v1/entries/{entry_id}", "Read a schedule entry",
   {200: json_resp("the entry", ref("Entry"), ETAG), 404: "NotFound"}, role="admin,staff", params=[ENT],
   opid="getEntry")
op("get", "/v1/entries/{entry_id}.ics", "A schedule entry as iCalendar",
   {200: {"description": "the series as text/calendar", "headers": H,
          "content": {"text/calendar": {"schema": {"type": "string"}}}}, 404: "NotFound"},
   role="admin,staff", params=[ENT], opid="getEntryIcs")
op("patch", "/v1/entries/{entry_id}", "Change one occurrence, this and later ones, or all",
   {200: json_resp("the entry (the new series after scope=future) and its conflicts", ref("EntryWritten"), ETAG),
    404: "NotFound", 412: "PreconditionFailed"},
   role="admin,staff", params=[ENT, *SCOPE, P("If-Match", "header", STR, "the entry's ETag")], body_ref="EntryPatch",
   opid="patchEntry")
op("delete", "/v1/entries/{entry_id}", "Delete one occurrence, this and later ones, or all",
   {204: "NoContent", 404: "NotFound", 412: "PreconditionFailed", 422: "Unprocessable"},
   role="admin,staff", params=[ENT, *SCOPE, P("If-Match", "header", STR, "the entry's ETag")], opid="deleteEntry")
WINDOW = [P("from", "query", STR, "a date (in the zone; included) or an RFC 3339 instant", True),
          P("to", "query", STR, "a date (in the zone; included) or an RFC 3339 instant", True)]
op("get", "/v1/entries/{entry_id}/occurrences", "The occurrences in a window (at most 366 days)",
   {200: json_resp("the occurrences by start", ref("Occurrences")), 404: "NotFound", 422: "Unprocessable"},
   role="admin,staff", params=[ENT, *WINDOW], opid="listOccurrences")
op("get", "/v1/calendar", "Everything that fills some providers' time over a window (at most 92 days)",
   {200: json_resp("the items, ordered", ref("Calendar")), 422: "Unprocessable"}, role="admin,staff",
   params=[*WINDOW, P("provider_ids", "query", STR, "comma-separated provider ids, at most 50", True),
           P("timezone", "query", STR, "the IANA zone items are shown in (default UTC)")],
   tags=["calendar"], opid="getCalendar")

# --- analytics
NUM = {"type": "number"}
NNUM = {"type": ["number", "null"]}
S["AnalyticsMoney"] = obj({"currency": STR, "completed": STR, "fees_charged": STR, "fees_waived": STR},
                          desc="sums of one currency as decimal strings")
S["AnalyticsWaitlist"] = obj({"joined": INT, "offered": INT, "taken": INT, "expired": INT, "conversion_rate": NNUM})
FIGURES = {"bookings": INT, "pending": INT, "confirmed": INT, "declined": INT, "cancelled": INT,
           "cancelled_early": INT, "cancelled_late": INT, "completed": INT, "no_show": INT, "reschedules": INT,
           "no_show_rate": NNUM, "cancellation_rate": NNUM, "lead_time_p50_hours": NINT, "lead_time_p90_hours": NINT,
           "average_duration_minutes": NNUM, "booked_minutes": NUM, "available_minutes": NNUM, "utilisation": NNUM,
           "entry_minutes": NNUM, "ratings": INT, "average_rating": NNUM,
           "waitlist": ref("AnalyticsWaitlist"), "revenue": arr(ref("AnalyticsMoney"))}
S["AnalyticsFigures"] = obj(FIGURES, desc="docs/api.md (Analytics) defines each figure")
S["AnalyticsPeriod"] = obj({"label": STR, "start": ref("Instant"), "end": ref("Instant"),
                           "hours": {"type": "number", "description": "23 or 25 on a day clocks change (24.5 where they move half an hour)"}, **FIGURES})
S["AnalyticsGroup"] = obj({"provider_id": ref("ProviderId"), "service_id": ref("ServiceId"), "name": STR,
                          "totals": ref("AnalyticsFigures"), "series": arr(ref("AnalyticsPeriod"))},
                         required=["name", "totals", "series"], desc="one provider (provider_id) or service (service_id)")
ANALYTICS_HEAD = {"from": ref("Date"), "to": ref("Date"), "timezone": STR,
                  "provider_id": nullable(ref("ProviderId")), "service_id": nullable(ref("ServiceId"))}
S["Analytics"] = obj({**ANALYTICS_HEAD, "group_by": {"type": "string", "enum": ["day", "week", "month"]},
                      "breakdown": {"type": ["string", "null"], "enum": ["provider", "service", None]},
                      "totals": ref("AnalyticsFigures"), "series": arr(ref("AnalyticsPeriod")),
                      "groups": arr(ref("AnalyticsGroup"))},
                     required=[*ANALYTICS_HEAD, "group_by", "breakdown", "totals", "series"])
S["AnalyticsHeatmap"] = obj({**ANALYTICS_HEAD, "weekdays": arr(ref("Weekday"), minItems=7, maxItems=7),
                             "counts": arr(arr(INT, minItems=24, maxItems=24), minItems=7, maxItems=7)})
op("get", "/v1/analytics", "Bookings, revenue, no-shows, lead times, utilisation and the waitlist per local period",
   {200: {"description": "the figures (or, with view=heatmap, bookings by weekday and hour); text/csv when asked for",
          "headers": H,
          "content": {"application/json": {"schema": {"oneOf": [ref("Analytics"), ref("AnalyticsHeatmap")]}},
                      "text/csv": {"schema": STR}}},
    404: "NotFound", 422: "Unprocessable"}, role="admin,staff",
   params=[P("from", "query", ref("Date"), "the first local date", True),
           P("to", "query", ref("Date"), "the last local date (included; at most 731 days)", True),
           P("timezone", "query", STR, "the IANA zone of the periods (default UTC)"),
           P("group_by", "query", {"type": "string", "enum": ["day", "week", "month"], "default": "month"}, "the periods"),
           P("breakdown", "query", {"type": "string", "enum": ["provider", "service"]}, "figures per provider or service too"),
           P("provider_id", "query", ref("ProviderId"), "only this provider's bookings"),
           P("service_id", "query", ref("ServiceId"), "only this service's bookings"),
           P("view", "query", {"type": "string", "enum": ["heatmap"]}, "bookings by local weekday and hour instead")],
   tags=["analytics"], opid="getAnalytics",
   desc="Staff keys limited to providers see only theirs. Accept: text/csv gives the same figures as CSV.")

S["TestClockIn"] = obj({"now": nullable(ref("InstantIn"))}, desc="the time to set, or null for the real clock again")
S["TestClock"] = obj({"now": ref("UtcInstant")})
op("post", "/v1/test/clock", "Set the test clock (test runs only)",
   {200: json_resp("the clock's time now", ref("TestClock")),
    404: {"$ref": "#/components/responses/NotFound", "description": "slotd runs without SLOTD_TEST_CLOCK=1"}},
   body_ref="TestClockIn", tags=["test"], opid="setTestClock",
   desc="Exists only when slotd runs with SLOTD_TEST_CLOCK=1 (otherwise 404 like any unknown path). Sets the time that "
        "background duties (reminders, deliveries, expiry) and requests without X-Test-Now use, in this process; "
        "null goes back to the real clock.")

# --- notifications: webhook endpoints, deliveries, templates
S["WebhookEndpointId"] = idp("whe")
S["DeliveryId"] = idp("dlv")
LOCALE = {"type": "string", "enum": ["en", "de"], "description": "the language of messages"}
S["EventTypeFilter"] = {"type": "string", "pattern": "^(\\*|[a-z0-9_]+(\\.[a-z0-9_]+)*\\.?)$",
                        "description": "\"*\" (every event), an exact event type, or a prefix ending in \".\" (e.g. \"booking.\")"}
S["WebhookEndpoint"] = obj({"id": ref("WebhookEndpointId"), "url": STR, "event_types": arr(ref("EventTypeFilter")),
                            "enabled": BOOL, "description": NSTR,
                            "disabled_reason": {"type": ["string", "null"], "enum": ["gone", "failing", "manual", "imported", None],
                                                "description": "why it is disabled: 410 Gone, failing for 5 days, by a PATCH, or imported by slotd import (its secret did not travel: rotate it, then enable)"},
                            "failing_since": nullable(ref("UtcInstant")),
                            "secret_rotation_until": {**nullable(ref("UtcInstant")), "description": "while a rotated-out secret still signs too"},
                            "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant"),
                            "secret": {"type": "string", "pattern": "^whsec_", "description": "only in the 201 answer of POST /v1/webhook-endpoints"}},
                           required=["id", "url", "event_types", "enabled", "description", "disabled_reason", "failing_since",
                                     "secret_rotation_until", "created_at", "updated_at"])
S["WebhookEndpointCreated"] = {"allOf": [ref("WebhookEndpoint"), {"required": ["secret"]}]}
whe_in = {"url": {"type": "string", "maxLength": 2048, "description": "http or https; its host must resolve to public addresses only"},
          "event_types": {"type": ["array", "null"], "items": ref("EventTypeFilter"), "minItems": 1, "maxItems": 32,
                          "uniqueItems": True, "description": "default [\"*\"]"},
          "enabled": BOOL, "description": {"type": ["string", "null"], "maxLength": 500}}
S["WebhookEndpointCreate"] = obj(whe_in, required=["url"])
S["WebhookEndpointPatch"] = obj(whe_in, required=[], desc="only the fields present change; enabling clears disabled_reason and failing_since")
S["SecretRotated"] = obj({"secret": {"type": "string", "pattern": "^whsec_"}, "previous_valid_until": ref("UtcInstant")})
S["RecoverIn"] = obj({"since": ref("InstantIn")})
S["Recovered"] = obj({"replayed": {"type": "integer", "minimum": 0}})
DELIVERY_STATUS = ["pending", "succeeded", "failed"]
S["Delivery"] = obj({"id": ref("DeliveryId"), "event_id": ref("EventId"), "event_type": STR,
                     "channel": {"type": "string", "enum": ["webhook", "email", "caldav"]},
                     "endpoint_id": {"anyOf": [ref("WebhookEndpointId"), ref("CalendarId"), {"type": "null"}],
                                     "description": "webhook: the endpoint; caldav: the calendar written; email: null"},
                     "recipient": NSTR,
                     "recipient_role": {"type": ["string", "null"], "enum": ["customer", "provider", None]},
                     "status": {"type": "string", "enum": DELIVERY_STATUS}, "attempts": {"type": "integer", "minimum": 0},
                     "next_attempt_at": nullable(ref("UtcInstant")), "last_status": NINT, "last_error": NSTR,
                     "created_at": ref("UtcInstant"), "updated_at": ref("UtcInstant")})
S["DeliveryAttempt"] = obj({"attempt": {"type": "integer", "minimum": 1}, "started_at": ref("UtcInstant"),
                            "duration_ms": {"type": "integer", "minimum": 0}, "status_code": NINT,
                            "response": {"type": ["string", "null"], "description": "the first 1 KB of the answer"},
                            "error": NSTR})
S["DeliveryDetail"] = json.loads(json.dumps(S["Delivery"]))
S["DeliveryDetail"]["properties"]["attempt_log"] = arr(ref("DeliveryAttempt"))
S["DeliveryDetail"]["required"] = S["Delivery"]["required"] + ["attempt_log"]
S["DeliveryDetail"]["description"] = "the delivery and every attempt, oldest first"
S["TemplateVariable"] = obj({"name": STR, "description": STR})
S["Template"] = obj({"event_type": STR, "locale": LOCALE, "subject": STR, "text": STR, "html": STR,
                     "custom": {"type": "boolean", "description": "the tenant's own; false = built in"},
                     "variables": arr(ref("TemplateVariable"))},
                    required=["event_type", "locale", "subject", "text", "html", "custom"])
S["TemplateList"] = obj({"data": arr(obj({"event_type": STR, "locale": LOCALE, "custom": BOOL,
                                          "updated_at": nullable(ref("UtcInstant"))}))})
tmpl_text = {"type": "string", "maxLength": 20000}
S["TemplatePut"] = obj({"subject": {**tmpl_text, "description": "one line"}, "text": tmpl_text, "html": tmpl_text},
                       desc="{{variable}}, {{#variable}}…{{/variable}} (shown when non-empty), {{^variable}}…{{/variable}} (when empty); an unknown variable is 422")
S["TemplatePreviewIn"] = obj({"subject": tmpl_text, "text": tmpl_text, "html": tmpl_text,
                              "booking_id": nullable(ref("BookingId"))}, required=[],
                             desc="parts to try instead of the stored ones; booking_id takes the customer's name, reference, status and notes from that booking")
S["TemplatePreview"] = obj({"subject": STR, "text": STR, "html": STR})
page("WebhookEndpoint", "WebhookEndpointPage")
page("Delivery", "DeliveryPage")

WHE = pid("endpoint_id", "WebhookEndpointId", "a webhook endpoint")
DLV = pid("delivery_id", "DeliveryId", "a delivery")
IFM_WHE = P("If-Match", "header", STR, "the endpoint's ETag (\"N\" or W/\"N\"); a mismatch is 412")
DLV_FILTERS = [P("status", "query", {"type": "string", "enum": DELIVERY_STATUS}, "only this status"),
               P("event_id", "query", ref("EventId"), "only this event's")]
op("post", "/v1/webhook-endpoints", "Register a webhook endpoint (its secret is shown once)",
   {201: json_resp("the endpoint with its secret", ref("WebhookEndpointCreated"), ETAG)},
   body_ref="WebhookEndpointCreate", tags=["webhooks"], opid="createWebhookEndpoint",
   desc="The URL's host is resolved when the endpoint is saved (and each address again at every attempt, as it is connected to); a loopback, private, link-local, CGNAT, unique-local, IPv4-mapped or unspecified address is 422 at /url unless the server runs with SLOTD_WEBHOOK_ALLOW_PRIVATE=1.")
op("get", "/v1/webhook-endpoints", "List webhook endpoints",
   {200: json_resp("a page of endpoints", ref("WebhookEndpointPage")), 422: "Unprocessable"},
   params=PAGE_PARAMS, tags=["webhooks"], opid="listWebhookEndpoints")
op("get", "/v1/webhook-endpoints/{endpoint_id}", "Read a webhook endpoint",
   {200: json_resp("the endpoint", ref("WebhookEndpoint"), ETAG), 404: "NotFound"},
   params=[WHE], tags=["webhooks"], opid="getWebhookEndpoint")
op("patch", "/v1/webhook-endpoints/{endpoint_id}", "Change a webhook endpoint",
   {200: json_resp("the endpoint", ref("WebhookEndpoint"), ETAG), 404: "NotFound", 412: "PreconditionFailed"},
   params=[WHE, IFM_WHE], body_ref="WebhookEndpointPatch", tags=["webhooks"], opid="patchWebhookEndpoint")
op("delete", "/v1/webhook-endpoints/{endpoint_id}", "Delete a webhook endpoint and its pending deliveries",
   {204: "NoContent", 404: "NotFound"}, params=[WHE], tags=["webhooks"], opid="deleteWebhookEndpoint")
op("post", "/v1/webhook-endpoints/{endpoint_id}/rotate-secret", "A new signing secret; the old one signs too for 24 hours",
   {200: json_resp("the new secret (shown once)", ref("SecretRotated"), ETAG), 404: "NotFound"},
   params=[WHE], tags=["webhooks"], opid="rotateWebhookSecret")
op("get", "/v1/webhook-endpoints/{endpoint_id}/deliveries", "An endpoint's deliveries",
   {200: json_resp("a page of deliveries", ref("DeliveryPage")), 404: "NotFound", 422: "Unprocessable"},
   params=[WHE, *DLV_FILTERS, *PAGE_PARAMS], tags=["webhooks"], opid="listEndpointDeliveries")
op("post", "/v1/webhook-endpoints/{endpoint_id}/recover", "Replay every delivery since a time that has not succeeded",
   {202: json_resp("how many deliveries are due again", ref("Recovered")), 404: "NotFound"},
   params=[WHE], body_ref="RecoverIn", tags=["webhooks"], opid="recoverWebhookEndpoint")
op("get", "/v1/deliveries", "Deliveries of every endpoint, e-mail and calendar write",
   {200: json_resp("a page of deliveries", ref("DeliveryPage")), 422: "Unprocessable"},
   params=[*DLV_FILTERS, P("channel", "query", {"type": "string", "enum": ["webhook", "email", "caldav"]}, "only this channel"),
           *PAGE_PARAMS], tags=["webhooks"], opid="listDeliveries")
op("get", "/v1/deliveries/{delivery_id}", "Read a delivery with its attempts",
   {200: json_resp("the delivery", ref("DeliveryDetail")), 404: "NotFound"},
   params=[DLV], tags=["webhooks"], opid="getDelivery")
op("post", "/v1/deliveries/{delivery_id}/replay", "Send a delivery again (due now)",
   {202: json_resp("the delivery, pending again", ref("Delivery")), 404: "NotFound", 409: "Conflict"},
   params=[DLV], tags=["webhooks"], opid="replayDelivery")

TT = [P("event_type", "path", STR, "an event type that sends e-mail (GET /v1/templates lists them); another is 404"),
      P("locale", "path", LOCALE, "the language; another is 404")]
op("get", "/v1/templates", "Every e-mail template, and whether the tenant has its own",
   {200: json_resp("each mailing event type in each locale", ref("TemplateList"))}, tags=["templates"], opid="listTemplates")
op("get", "/v1/templates/{event_type}/{locale}", "An e-mail template (the tenant's, or the built-in one) with its variables",
   {200: json_resp("the template", ref("Template")), 404: "NotFound"}, params=TT, tags=["templates"], opid="getTemplate")
op("put", "/v1/templates/{event_type}/{locale}", "The tenant's own template",
   {200: json_resp("the template", ref("Template")), 404: "NotFound"}, params=TT, body_ref="TemplatePut",
   tags=["templates"], opid="putTemplate")
op("delete", "/v1/templates/{event_type}/{locale}", "Back to the built-in template",
   {204: "NoContent", 404: "NotFound"}, params=TT, tags=["templates"], opid="deleteTemplate")
op("post", "/v1/templates/{event_type}/{locale}/preview", "Render a template with sample values (or a booking's)",
   {200: json_resp("the rendered parts", ref("TemplatePreview")), 404: "NotFound"}, params=TT,
   body_ref="TemplatePreviewIn", body_required=False, tags=["templates"], opid="previewTemplate")

doc = {
    "openapi": "3.1.0",
    "jsonSchemaDialect": "https://spec.openapis.org/oas/3.1/dialect/base",
    "info": {"title": "slotd API", "version": "1",
             "description": "Appointment scheduling: providers, services, schedules, slots, bookings, holds, waitlist, schedule entries. "
                            "docs/api.md is the reference in prose; the API tests validate every response against this document. "
                            "x-slotd-roles lists the key roles (and manage_token) that may call an operation. "
                            "Besides the answers each operation lists, any request may get a problem+json "
                            "408, 414 or 431 from the HTTP layer before a route is chosen "
                            "(components/responses RequestTimeout, UriTooLong, HeadersTooLarge), and a path or "
                            "method the server does not have answers 404 or 405 (MethodNotAllowed, with Allow)."},
    "servers": [{"url": "http://127.0.0.1:8080"}],
    "security": [{"apiKey": []}, {"session": []}],
    "tags": [{"name": t} for t in ["health", "operations", "providers", "schedule", "overrides", "time-off", "services",
                                   "holidays", "business-hours", "slots", "bookings", "holds", "waitlist", "policy", "settings", "events", "keys", "users", "sessions",
                                   "entries", "calendar", "feeds", "calendars", "test", "webhooks", "templates"]],
    "paths": paths,
    "components": {
        "securitySchemes": {"apiKey": {"type": "http", "scheme": "bearer", "bearerFormat": "API key",
                                       "description": "Authorization: Bearer <api key> (sk_…), or a booking's manage token (mt_…)"},
                            "session": {"type": "apiKey", "in": "cookie", "name": "slotd_session",
                                        "description": "a console session (POST /v1/sessions), sent without an Authorization header; every request but GET also needs X-CSRF-Token"}},
        "headers": {
            "X-Request-Id": {"description": "the request's X-Request-Id when it is 1-64 safe characters, else a new req_ id",
                             "schema": {"type": "string"}},
            "ETag": {"description": "the object's version, \"N\"", "schema": {"type": "string"}},
            "Retry-After": {"description": "seconds", "schema": {"type": "integer"}}},
        "responses": R,
        "schemas": S,
    },
}
json.dump(doc, sys.stdout, indent=1, ensure_ascii=False)
sys.stdout.write("\n")
