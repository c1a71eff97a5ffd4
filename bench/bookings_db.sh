# shellcheck shell=bash
# (sourced by bench/copy.sh and bench/memory.sh, after bench/lib.sh)
# bookings_db N PATH: a SQLite slotd database at PATH with one tenant ("demo") holding N
# bookings besides the demo's, made once and kept (a later call with the same PATH reuses it;
# delete it to make it again). Uses $bin, $work.
#
# The tenant, its providers and services come through the product: `slotd serve --demo`,
# then 100 more providers (UTC, open 08:00-20:00 every day) made with the API and added to
# the demo's "Follow-up visit" (30 min, buffers 5 and 10 min). The bookings are fanned out
# with SQL in the shape the write path gives them, per booking:
#   - the bookings row: 100 providers x N/100 bookings, eight a day at 08:00-15:00 UTC, from
#     1,000 days ago on (so with 1M bookings 80 % are past: completed, 10 % cancelled, 5 % no
#     show; the future ones confirmed, 1 in 10 pending); names, e-mail, every third a phone,
#     every fifth notes, a video location, price, policy, a manage token hash;
#   - booking_history: "created", and the closing change for past ones;
#   - events: booking.created with the booking's JSON (about 1.35 KB, as the API writes it),
#     and booking.completed / cancelled / no_show with their changes for past ones;
#   - reminders: 60 and 1,440 minutes before, for active (future) ones (the write path
#     deletes those of closed bookings);
#   - booking_stats: the per provider, day and service (and '*') sums.
# No idempotency keys (they expire), no notify queue (the worker empties it).
bookings_db() {
  local n=$1 path=$2
  if [ -s "$path" ] && [ "$(sqlite3 "$path" 'SELECT count(*) FROM bookings')" -ge "$n" ]; then
    echo "reusing $path ($(sqlite3 "$path" 'SELECT count(*) FROM bookings') bookings)"
    return 0
  fi
  rm -f "$path" "$path-wal" "$path-shm" "$path.key"
  local t0=$SECONDS port out="$work/gen.out" pid
  port=$(free_port)
  "$bin" serve --db "sqlite:$path" --listen "127.0.0.1:$port" --demo --notify off \
    --rate-limits off >"$out" 2>"$work/gen.err" &
  pid=$!
  pids+=("$pid")   # bench_cleanup stops it if a step below fails
  for _ in $(seq 100); do grep -q listening "$out" 2>/dev/null && break; sleep 0.1; done
  grep -q listening "$out" || { echo "slotd did not start:" >&2; cat "$work/gen.err" >&2; exit 1; }
  local gkey gapi="http://127.0.0.1:$port/v1"
  gkey=$(awk '/admin API key/ {print $4}' "$out")
  GKEY=$gkey GAPI=$gapi /usr/bin/python3 - <<'EOF'
import json, os, urllib.request
api, key = os.environ["GAPI"], os.environ["GKEY"]
def call(method, path, body=None):
    req = urllib.request.Request(api + path, method=method,
                                 data=json.dumps(body).encode() if body is not None else None,
                                 headers={"Authorization": "Bearer " + key,
                                          "Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        return json.load(r)
day = [{"start": "08:00", "end": "20:00"}]
week = {d: day for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
ids = []
for i in range(100):
    p = call("POST", "/providers", {"name": f"Bench Provider {i:03d}", "timezone": "UTC",
                                    "email": f"provider{i:03d}@bench.example"})
    call("PUT", f"/providers/{p['id']}/schedule", {"weekly": week})
    ids.append(p["id"])
svc = [s for s in call("GET", "/services")["data"] if s["name"] == "Follow-up visit"][0]
call("PATCH", f"/services/{svc['id']}", {"provider_ids": svc["provider_ids"] + ids})
EOF
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local now day0
  now=$(date -u +%s)
  day0=$(( now / 86400 - 1000 ))
  sqlite3 "$path" >/dev/null <<SQL
PRAGMA journal_mode=WAL;
PRAGMA cache_size=-200000;
CREATE TEMP TABLE cfg AS SELECT t.id AS tenant, s.id AS svc, $n AS n, $day0 AS day0, $now AS now,
  (SELECT max(seq) FROM events WHERE tenant_id = t.id) AS seq0
  FROM tenants t JOIN services s ON s.tenant_id = t.id AND s.name = 'Follow-up visit'
  WHERE t.slug = 'demo';
CREATE TEMP TABLE p AS SELECT row_number() OVER (ORDER BY id) - 1 AS k, id FROM providers
  WHERE tenant_id = (SELECT tenant FROM cfg) AND name LIKE 'Bench Provider %';
BEGIN;
INSERT INTO bookings(tenant_id, id, reference, service_id, provider_id, start_utc, end_utc,
  block_start, block_end, capacity, status, active, customer_name, customer_email,
  customer_phone, notes, metadata, price, currency, manage_token_hash, version, created_at,
  updated_at, policy, reschedule_count, fee, fee_reason, locale, closed_at, fee_waived,
  internal_notes, completion_notes, location)
SELECT tenant, printf('bkg_%020d', i), printf('B%07X', i), svc, pid, st, st + 1800, st - 300,
  st + 2400, 1, status, status IN ('pending', 'confirmed'), 'Customer ' || i,
  'customer' || i || '@example.com', CASE WHEN i % 3 = 0 THEN '+1 617-555-' || printf('%04d', i % 10000) END,
  CASE WHEN i % 5 = 0 THEN 'Follow-up after the first visit' END,
  CASE WHEN i % 7 = 0 THEN '{"source":"web"}' END, '60.00', 'USD',
  lower(hex(randomblob(32))), CASE WHEN status IN ('pending', 'confirmed') THEN 1 ELSE 2 END,
  st - 604800, CASE WHEN status IN ('pending', 'confirmed') THEN st - 604800 ELSE st + 1800 END,
  'f=24:50;n=100', 0, CASE WHEN status = 'no_show' THEN '60.00' END,
  CASE WHEN status = 'no_show' THEN 'no_show' END, NULL,
  CASE WHEN status IN ('pending', 'confirmed') THEN NULL ELSE st + 1800 END, NULL, NULL, NULL,
  'video:https://meet.jit.si/demo-' || printf('B%07X', i)
FROM (SELECT tenant, svc, i, pid, st,
        CASE WHEN st >= now THEN (CASE WHEN i % 10 = 0 THEN 'pending' ELSE 'confirmed' END)
             WHEN i % 20 < 2 THEN 'cancelled' WHEN i % 20 = 2 THEN 'no_show'
             ELSE 'completed' END AS status
      FROM (SELECT c.tenant, c.svc, c.now, q.i, p.id AS pid,
              (c.day0 + q.i / 100 / 8) * 86400 + (8 + q.i / 100 % 8) * 3600 AS st
            FROM (WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < $n - 1)
                  SELECT i FROM s) q, cfg c JOIN p ON p.k = q.i % 100));
INSERT INTO booking_history(tenant_id, booking_id, seq, at, actor, from_status, to_status, reason)
SELECT tenant_id, id, 1, created_at, 'system', NULL,
  CASE WHEN status = 'pending' OR CAST(substr(id, 5) AS INTEGER) % 10 = 0 THEN 'pending'
       ELSE 'confirmed' END, 'created'
FROM bookings WHERE tenant_id = (SELECT tenant FROM cfg) AND id LIKE 'bkg_0000%';
INSERT INTO booking_history(tenant_id, booking_id, seq, at, actor, from_status, to_status, reason)
SELECT tenant_id, id, 2, closed_at, CASE status WHEN 'cancelled' THEN 'customer' ELSE 'staff' END,
  'confirmed', status, CASE WHEN status = 'cancelled' THEN 'Customer called' END
FROM bookings WHERE tenant_id = (SELECT tenant FROM cfg) AND id LIKE 'bkg_0000%' AND active = 0;
INSERT INTO events(tenant_id, seq, id, type, subject_id, actor_type, actor_id, actor_role,
  request_id, payload, changes, created_at)
SELECT b.tenant_id, c.seq0 + 1 + CAST(substr(b.id, 5) AS INTEGER),
  printf('evt_%020d', c.seq0 + 1 + CAST(substr(b.id, 5) AS INTEGER)), 'booking.created', b.id,
  'api_key', 'key_bench', 'customer', 'req_' || lower(hex(randomblob(8))),
  json_object('id', b.id, 'reference', b.reference, 'status', CASE WHEN CAST(substr(b.id, 5) AS INTEGER) % 10 = 0 THEN 'pending' ELSE 'confirmed' END,
    'start', strftime('%Y-%m-%dT%H:%M:%SZ', b.start_utc, 'unixepoch'),
    'end', strftime('%Y-%m-%dT%H:%M:%SZ', b.end_utc, 'unixepoch'),
    'provider_id', b.provider_id, 'service_id', b.service_id,
    'customer', json_object('name', b.customer_name, 'email', b.customer_email, 'phone', b.customer_phone),
    'notes', b.notes, 'location', json_object('type', 'video', 'url', substr(b.location, 7)),
    'internal_notes', NULL, 'completion_notes', NULL, 'metadata', json(coalesce(b.metadata, '{}')),
    'price', b.price, 'currency', b.currency,
    'policy', json('{"cancellation_deadline_hours":null,"reschedule_deadline_hours":null,"max_reschedules":null,"late_cancellation_fees":[{"within_hours":24,"percent":50}],"no_show_fee_percent":100,"waitlist_offer_minutes":null}'),
    'reschedule_count', 0, 'fee', NULL, 'fee_waived', NULL, 'locale', NULL, 'version', 1,
    'created_at', strftime('%Y-%m-%dT%H:%M:%SZ', b.created_at, 'unixepoch'),
    'updated_at', strftime('%Y-%m-%dT%H:%M:%SZ', b.created_at, 'unixepoch'), 'feedback', NULL,
    'links', json_object('ics', '/v1/bookings/' || b.id || '.ics',
      'google_calendar', 'https://calendar.google.com/calendar/render?action=TEMPLATE&text=Booking%20' || b.reference || '&dates=' || strftime('%Y%m%dT%H%M%SZ', b.start_utc, 'unixepoch') || '/' || strftime('%Y%m%dT%H%M%SZ', b.end_utc, 'unixepoch') || '&details=Booking%20reference%20' || b.reference,
      'outlook', 'https://outlook.live.com/calendar/0/deeplink/compose?path=/calendar/action/compose&rru=addevent&subject=Booking%20' || b.reference || '&startdt=' || strftime('%Y-%m-%dT%H%%3A%M%%3A%SZ', b.start_utc, 'unixepoch') || '&enddt=' || strftime('%Y-%m-%dT%H%%3A%M%%3A%SZ', b.end_utc, 'unixepoch') || '&body=Booking%20reference%20' || b.reference)),
  NULL, b.created_at
FROM bookings b, cfg c WHERE b.tenant_id = c.tenant AND b.id LIKE 'bkg_0000%';
INSERT INTO events(tenant_id, seq, id, type, subject_id, actor_type, actor_id, actor_role,
  request_id, payload, changes, created_at)
SELECT e.tenant_id, e.seq + c.n, printf('evt_%020d', e.seq + c.n), 'booking.' || b.status,
  b.id, 'api_key', 'key_bench', 'staff', NULL,
  json_set(e.payload, '$.status', b.status, '$.version', 2, '$.fee',
    CASE WHEN b.status = 'no_show' THEN json('{"amount":"60.00","currency":"USD","reason":"no_show"}') END),
  json_object('status', json_array('confirmed', b.status)), b.closed_at
FROM events e JOIN cfg c ON e.tenant_id = c.tenant
JOIN bookings b ON b.tenant_id = e.tenant_id AND b.id = e.subject_id
WHERE e.type = 'booking.created' AND e.subject_id LIKE 'bkg_0000%' AND b.active = 0;
INSERT INTO reminders(tenant_id, booking_id, offset_minutes, due_at, sent_at)
SELECT tenant_id, id, o.m, start_utc - o.m * 60, NULL
FROM bookings, (SELECT 60 AS m UNION ALL SELECT 1440) o
WHERE tenant_id = (SELECT tenant FROM cfg) AND id LIKE 'bkg_0000%' AND active = 1;
INSERT INTO booking_stats(tenant_id, service_id, day, provider_id, currency, bookings, pending,
  confirmed, declined, cancelled, cancelled_late, completed, no_show, reschedules, booked_sec,
  duration_sec, lead, revenue, fees, waived, decimals, ratings, rating_sum)
SELECT tenant_id, sid, start_utc / 86400, provider_id, currency, count(*),
  sum(status = 'pending'), sum(status = 'confirmed'), 0, sum(status = 'cancelled'), 0,
  sum(status = 'completed'), sum(status = 'no_show'), 0,
  sum(CASE WHEN status IN ('cancelled') THEN 0 ELSE 1800 END), count(*) * 1800, '7:' || count(*),
  sum(CASE WHEN status = 'completed' THEN 600000 ELSE 0 END),
  sum(CASE WHEN status = 'no_show' THEN 600000 ELSE 0 END), 0, 2, 0, 0
FROM bookings, (SELECT '*' AS sid UNION ALL SELECT svc FROM cfg)
WHERE tenant_id = (SELECT tenant FROM cfg) AND id LIKE 'bkg_0000%'
GROUP BY tenant_id, sid, start_utc / 86400, provider_id, currency;
COMMIT;
PRAGMA wal_checkpoint(TRUNCATE);
SQL
  echo "made $path: $n bookings in $((SECONDS - t0)) s"
  sqlite3 "$path" "SELECT 'rows: ' || group_concat(t || ' ' || n, ', ') FROM (
    SELECT 'bookings' t, count(*) n FROM bookings UNION ALL SELECT 'booking_history', count(*) FROM booking_history
    UNION ALL SELECT 'events', count(*) FROM events UNION ALL SELECT 'reminders', count(*) FROM reminders
    UNION ALL SELECT 'booking_stats', count(*) FROM booking_stats)"
}
