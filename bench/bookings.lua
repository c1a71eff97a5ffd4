-- wrk script for POST /v1/bookings (bench/http_bookings.sh).
--
--   wrk ... -s bench/bookings.lua URL -- MODE BASE OFFSET STRIDE SERVICE PROVIDER KEY TAG THREADS
--
-- MODE     new: every request books a distinct start, BASE + (OFFSET + i) * STRIDE minutes,
--          where i counts the requests of all threads (thread t sends i = t, t+THREADS, ...);
--          taken: every request asks for the same start, BASE + OFFSET * STRIDE minutes,
--          which must already be booked (the 409 path).
-- BASE     Unix time of minute 0 (tomorrow 00:00 UTC); starts are sent as RFC 3339 ...Z.
-- KEY      the API key (Authorization: Bearer KEY).
-- TAG      makes the Idempotency-Keys of this run distinct from every other run's:
--          TAG-thread-counter.
-- THREADS  wrk's -t.
--
-- At the end it prints one line "statuses: 201=N 409=M ..." (every response's status,
-- counted) and one line "generated: N" (requests built, including those still in flight
-- when wrk stopped: the next run's OFFSET must be beyond OFFSET + N).

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   mode = args[1]
   base = tonumber(args[2])
   offset = tonumber(args[3])
   stride = tonumber(args[4]) * 60
   service = args[5]
   provider = args[6]
   tag = args[8]
   nthreads = tonumber(args[9] or "1")
   assert(mode == "new" or mode == "taken", "mode must be new or taken")
   wrk.method = "POST"
   wrk.path = "/v1/bookings"
   wrk.headers["Authorization"] = "Bearer " .. args[7]
   wrk.headers["Content-Type"] = "application/json"
   n = 0
   counts = {}
end

local body_fmt = '{"service_id":"%s","provider_id":"%s","start":"%s",' ..
   '"customer":{"name":"Bench Customer","email":"bench@example.com"}}'

function request()
   local slot = offset
   if mode == "new" then
      slot = offset + n * nthreads + tid
   end
   local start = os.date("!%Y-%m-%dT%H:%M:%SZ", base + slot * stride)
   wrk.headers["Idempotency-Key"] = tag .. "-" .. tid .. "-" .. n
   n = n + 1
   return wrk.format(nil, nil, nil, string.format(body_fmt, service, provider, start))
end

function response(status, headers, body)
   counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
   local total, generated = {}, 0
   for _, t in ipairs(threads) do
      for status, c in pairs(t:get("counts")) do
         total[status] = (total[status] or 0) + c
      end
      generated = math.max(generated, t:get("n") * #threads)
   end
   local keys = {}
   for status in pairs(total) do table.insert(keys, status) end
   table.sort(keys)
   local parts = {}
   for _, status in ipairs(keys) do
      table.insert(parts, status .. "=" .. total[status])
   end
   io.write("statuses: " .. table.concat(parts, " ") .. "\n")
   io.write("generated: " .. generated .. "\n")
end
