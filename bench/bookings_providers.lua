-- wrk script for POST /v1/bookings over several providers (bench/http_pg3.sh).
--
--   wrk ... -s bench/bookings_providers.lua URL -- BASE OFFSET STRIDE SERVICE PROVIDERS KEY TAG THREADS
--
-- Request k of the run (k counts the requests of all threads: thread t sends k = t,
-- t+THREADS, ...) books provider number k mod P of PROVIDERS (ids separated by commas, P of
-- them) at BASE + (OFFSET + k div P) * STRIDE minutes, so the requests in flight at one
-- moment name distinct providers (as long as P is at least wrk's -c) and no two ask for one
-- start of one provider.
-- BASE     Unix time of minute 0 (tomorrow 00:00 UTC); starts are sent as RFC 3339 ...Z.
-- KEY      the API key (Authorization: Bearer KEY).
-- TAG      makes the Idempotency-Keys of this run distinct from every other run's.
-- THREADS  wrk's -t.
--
-- At the end it prints "statuses: 201=N ..." (every response's status, counted) and
-- "generated: N" (requests built, those still in flight when wrk stopped included: the next
-- run's OFFSET must be beyond OFFSET + N div P).

local threads = {}

function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

function init(args)
   base = tonumber(args[1])
   offset = tonumber(args[2])
   stride = tonumber(args[3]) * 60
   service = args[4]
   providers = {}
   for id in string.gmatch(args[5], "[^,]+") do table.insert(providers, id) end
   tag = args[7]
   nthreads = tonumber(args[8] or "1")
   wrk.method = "POST"
   wrk.path = "/v1/bookings"
   wrk.headers["Authorization"] = "Bearer " .. args[6]
   wrk.headers["Content-Type"] = "application/json"
   n = 0
   counts = {}
end

local body_fmt = '{"service_id":"%s","provider_id":"%s","start":"%s",' ..
   '"customer":{"name":"Bench Customer","email":"bench@example.com"}}'

function request()
   local k = n * nthreads + tid
   local np = #providers
   local start = os.date("!%Y-%m-%dT%H:%M:%SZ", base + (offset + math.floor(k / np)) * stride)
   wrk.headers["Idempotency-Key"] = tag .. "-" .. tid .. "-" .. n
   n = n + 1
   return wrk.format(nil, nil, nil,
                     string.format(body_fmt, service, providers[k % np + 1], start))
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
