-- pgbench replay of one 7-day GET /v1/slots for one service and one provider
-- (bench/http_pg.sh), statement for statement as slotd sends them (read from the server log
-- with log_statement=all; slotd prepares each statement once per connection and executes it
-- with parameters: run with -M prepared). One read-only REPEATABLE READ transaction. pgbench
-- numbers a parameter used twice as two parameters ($1 ... $5 where slotd repeats $1).
--
-- -D variables: tenant, svc, prv (ids), now (Unix time), from_day, to_day (the query's first
-- and last UTC date, in days since the epoch).
-- slotd widens the window: the engine loads the days (from - 1) - 3 .. (to + 2) + 3, the
-- instants from -2 days .. to +3 days, with the index lower bounds: time off lasts at most
-- 366 days, an entry occurrence 7 days, a blocked booking interval 3 days.
\set d0 :from_day - 4
\set d1 :to_day + 5
\set t0 (:d0 - 2) * 86400
\set t1 (:d1 + 3) * 86400
\set off_lb :t0 - 31622401
\set ent_lb :t0 - 604801
\set blk_lb :t0 - 259201
BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;
SELECT id, name, duration_min, price, currency, buffer_before_min, buffer_after_min, step_min, min_notice_min, max_advance_days, capacity, created_at, updated_at, policy, requires_approval FROM services WHERE tenant_id = :tenant AND id = :svc;
SELECT provider_id FROM service_providers WHERE tenant_id = :tenant AND service_id = :svc ORDER BY provider_id;
SELECT id, name, timezone, email, auto_confirm, max_per_day, max_consecutive, vacation, created_at, updated_at FROM providers WHERE tenant_id = :tenant AND id = :prv;
SELECT effective_from, effective_until, weekly, anchor_day FROM schedule_versions WHERE tenant_id = :tenant AND provider_id = :prv ORDER BY seq;
SELECT id, provider_id, from_day, to_day, hours, note, created_at, rrule FROM overrides WHERE tenant_id = :tenant AND provider_id = :prv AND from_day <= :d1 AND to_day >= :d0 ORDER BY id;
SELECT id, name, day, yearly, created_at, rrule, until_day FROM holidays h WHERE h.tenant_id = :tenant AND ((h.rrule IS NULL AND h.day BETWEEN :d0 AND :d1) OR (h.rrule IS NOT NULL  AND h.day <= :d1 AND (h.until_day IS NULL OR h.until_day >= :d0))) AND (h.all_providers = 1 OR EXISTS (SELECT 1 FROM holiday_providers hp  WHERE hp.tenant_id = h.tenant_id AND hp.holiday_id = h.id  AND hp.provider_id = :prv)) ORDER BY h.id;
SELECT id, provider_id, start_utc, end_utc, reason, created_at FROM time_off WHERE tenant_id = :tenant AND provider_id = :prv AND start_utc < :t1 AND start_utc > :off_lb AND end_utc > :t0 ORDER BY start_utc, id;
SELECT e.id FROM entries e JOIN entry_assignees x ON x.tenant_id = e.tenant_id AND x.entry_id = e.id WHERE x.tenant_id = :tenant AND x.provider_id = :prv AND e.start_utc < :t1 AND (e.span_end IS NULL OR e.span_end > :t0) UNION SELECT entry_id FROM entry_override_assignees WHERE tenant_id = :tenant AND provider_id = :prv AND start_utc < :t1 AND end_utc > :t0 AND start_utc > :ent_lb ORDER BY 1;
SELECT start_utc, block_start, block_end, service_id, 0 FROM bookings WHERE tenant_id = :tenant AND provider_id = :prv AND active = 1 AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 UNION ALL SELECT start_utc, block_start, block_end, service_id, 1 FROM holds WHERE tenant_id = :tenant AND provider_id = :prv AND expires_at > :now AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 ORDER BY 2;
COMMIT;
