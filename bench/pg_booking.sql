-- pgbench replay of one POST /v1/bookings that answers 201 (bench/http_pg.sh), statement for
-- statement as slotd sends them (read from the server log with log_statement=all; slotd
-- prepares each statement once per connection and executes it with parameters: run with
-- -M prepared). Every variable below becomes a parameter, as in slotd; differences: pgbench
-- numbers a parameter used twice as two parameters ($1 ... $5 instead of $1 ... $1), and the
-- NULL parameters of the two INSERTs are literal NULLs (a pgbench variable cannot be NULL), and
-- so is the empty policy '' (pgbench -D refuses an empty value).
--
-- -D variables: tenant, svc, prv (ids), now (Unix time), base (first start, in 15-minute
-- units since the epoch), nclients (pgbench -c), seq=0 (per-client counter), body (a 201
-- response body, stored with the idempotency key), fp, mth (64-hex fingerprint and manage
-- token hash), and the constant parameters lim=64, one=1, zero=0, code=201, status=confirmed,
-- cname, cemail (the customer), actor=api, reason=created. Start of this client's n-th booking: (base + n * nclients + client_id) * 900,
-- so no two bookings of a run overlap and the exclusion constraint never fires; the booking
-- id, reference and Idempotency-Key are that start (distinct, and unlike slotd's).
\set start 900 * (:base + :seq * :nclients + :client_id)
\set seq :seq + 1
\set end :start + 900
-- the day range slotd checks: the start's UTC day -2 .. +2; the instant range (from -2, to +3
-- days); the index lower bounds: time off lasts at most 366 days, an entry occurrence 7 days,
-- a blocked booking interval 3 days
\set day :start / 86400
\set d0 :day - 2
\set d1 :day + 2
\set t0 (:d0 - 2) * 86400
\set t1 (:d1 + 3) * 86400
\set off_lb :t0 - 31622401
\set ent_lb :t0 - 604801
\set blk_lb :t0 - 259201
\set old :now - 86400
BEGIN;
SELECT pg_advisory_xact_lock(1936486260, hashtext(:tenant));
DELETE FROM idempotency_keys WHERE tenant_id = :tenant AND key = :start AND created_at < :old;
DELETE FROM idempotency_keys WHERE (tenant_id, key) IN (SELECT tenant_id, key FROM idempotency_keys WHERE created_at < :old LIMIT :lim);
SELECT fingerprint, status, body FROM idempotency_keys WHERE tenant_id = :tenant AND key = :start;
SELECT id, name, duration_min, price, currency, buffer_before_min, buffer_after_min, step_min, min_notice_min, max_advance_days, capacity, created_at, updated_at, policy, requires_approval FROM services WHERE tenant_id = :tenant AND id = :svc;
SELECT provider_id FROM service_providers WHERE tenant_id = :tenant AND service_id = :svc ORDER BY provider_id;
SELECT policy FROM tenant_policy WHERE tenant_id = :tenant;
SELECT id, name, timezone, email, auto_confirm, max_per_day, max_consecutive, vacation, created_at, updated_at FROM providers WHERE tenant_id = :tenant AND id = :prv;
SELECT effective_from, effective_until, weekly, anchor_day FROM schedule_versions WHERE tenant_id = :tenant AND provider_id = :prv ORDER BY seq;
SELECT id, provider_id, from_day, to_day, hours, note, created_at, rrule FROM overrides WHERE tenant_id = :tenant AND provider_id = :prv AND from_day <= :d1 AND to_day >= :d0 ORDER BY id;
SELECT id, name, day, yearly, created_at, rrule, until_day FROM holidays h WHERE h.tenant_id = :tenant AND ((h.rrule IS NULL AND h.day BETWEEN :d0 AND :d1) OR (h.rrule IS NOT NULL  AND h.day <= :d1 AND (h.until_day IS NULL OR h.until_day >= :d0))) AND (h.all_providers = 1 OR EXISTS (SELECT 1 FROM holiday_providers hp  WHERE hp.tenant_id = h.tenant_id AND hp.holiday_id = h.id  AND hp.provider_id = :prv)) ORDER BY h.id;
SELECT id, provider_id, start_utc, end_utc, reason, created_at FROM time_off WHERE tenant_id = :tenant AND provider_id = :prv AND start_utc < :t1 AND start_utc > :off_lb AND end_utc > :t0 ORDER BY start_utc, id;
SELECT e.id FROM entries e JOIN entry_assignees x ON x.tenant_id = e.tenant_id AND x.entry_id = e.id WHERE x.tenant_id = :tenant AND x.provider_id = :prv AND e.start_utc < :t1 AND (e.span_end IS NULL OR e.span_end > :t0) UNION SELECT entry_id FROM entry_override_assignees WHERE tenant_id = :tenant AND provider_id = :prv AND start_utc < :t1 AND end_utc > :t0 AND start_utc > :ent_lb ORDER BY 1;
SELECT start_utc, block_start, block_end, service_id, 0 FROM bookings WHERE tenant_id = :tenant AND provider_id = :prv AND active = 1 AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 UNION ALL SELECT start_utc, block_start, block_end, service_id, 1 FROM holds WHERE tenant_id = :tenant AND provider_id = :prv AND expires_at > :now AND block_start > :blk_lb AND block_start < :t1 AND block_end > :t0 ORDER BY 2;
SELECT 1 FROM bookings WHERE tenant_id = :tenant AND reference = :start;
INSERT INTO bookings(tenant_id, id, reference, service_id, provider_id, start_utc, end_utc, block_start, block_end, capacity, status, customer_name, customer_email, customer_phone, notes, metadata, price, currency, version, created_at, updated_at, policy, reschedule_count, fee, fee_reason, active, manage_token_hash) VALUES (:tenant, :start, :start, :svc, :prv, :start, :end, :start, :end, :one, :status, :cname, :cemail, NULL, NULL, NULL, NULL, NULL, :one, :now, :now, '', :zero, NULL, NULL, :one, :mth);
INSERT INTO booking_history(tenant_id, booking_id, seq, at, actor, from_status, to_status, reason) VALUES (:tenant, :start, (SELECT coalesce(max(seq), 0) + 1 FROM booking_history WHERE tenant_id = :tenant AND booking_id = :start), :now, :actor, NULL, :status, :reason);
INSERT INTO idempotency_keys(tenant_id, key, fingerprint, status, body, created_at) VALUES (:tenant, :start, :fp, :code, :body, :now);
COMMIT;
