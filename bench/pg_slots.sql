-- pgbench replay of one 7-day GET /v1/slots for one service and one provider
-- (bench/http_pg.sh), statement for statement as slotd sends them once its availability
-- cache holds the provider (a warm query: records, schedule, overrides, holidays, time off,
-- entries and business hours come from memory while the tenant's availability revision is
-- unchanged; external busy time and bookings with holds are read per query). Read from the
-- server log with log_statement=all; slotd prepares each statement once per connection and
-- executes it with parameters: run with -M prepared. One read-only REPEATABLE READ
-- transaction. pgbench numbers a parameter used twice as two parameters.
--
-- -D variables: tenant, svc, prv (ids), now (Unix time), from_day, to_day (the query's first
-- and last UTC date, in days since the epoch).
-- slotd widens the window: the engine loads the days (from - 1) - 3 .. (to + 2) + 3, the
-- instants from -2 days .. to +3 days (external busy time by UTC day over them), with the
-- index lower bound of a blocked booking interval (at most 3 days).
\set d0 :from_day - 4
\set d1 :to_day + 5
\set t0 (:d0 - 2) * 86400
\set t1 (:d1 + 3) * 86400
\set day0 :d0 - 2
\set day1 :d1 + 2
\set blk_lb :t0 - 259201
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT id, name, duration_min, price, currency, buffer_before_min, buffer_after_min, step_min, min_notice_min, max_advance_days, capacity, created_at, updated_at, policy, requires_approval, reminder_offsets, is_public, location FROM services WHERE tenant_id = :tenant AND id = :svc;
SELECT provider_id FROM service_providers WHERE tenant_id = :tenant AND service_id = :svc ORDER BY provider_id;
SELECT provider_id, price, duration_min FROM service_providers WHERE tenant_id = :tenant AND service_id = :svc AND (price IS NOT NULL OR duration_min IS NOT NULL) ORDER BY provider_id;
SELECT rev FROM avail_revisions WHERE tenant_id = :tenant;
SELECT b.day, b.spans, b.calendar_id, c.name FROM calendar_busy b JOIN calendars c ON c.tenant_id = b.tenant_id AND c.id = b.calendar_id WHERE b.tenant_id = :tenant AND b.provider_id = :prv AND b.day >= :day0 AND b.day <= :day1;
SELECT start_utc, block_start, block_end, service_id, 0 FROM bookings WHERE tenant_id = :tenant AND provider_id = :prv AND active = 1 AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 UNION ALL SELECT start_utc, block_start, block_end, service_id, 1 FROM holds WHERE tenant_id = :tenant AND provider_id = :prv AND expires_at > :now AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 ORDER BY 2;
COMMIT;
