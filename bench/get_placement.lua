-- wrk: GET /v1/placements/{id} over the ids in $BENCH_IDS (one per line), at random. With
-- BENCH_RATE set (requests per second for the whole run), each connection paces itself so
-- that the load is open-ended at that rate rather than as fast as possible.
-- The requests are formatted once, at start: the client shares the machine with the server and
-- pgbench's client prepares its statement once too, so a request costs it a table lookup.
-- thread_index is a global set by setup() in each thread's own Lua state, so that each thread
-- draws its own random sequence.
local requests = {}
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  local headers = {["Authorization"] = "Bearer " .. os.getenv("BENCH_KEY")}
  for line in io.lines(os.getenv("BENCH_IDS")) do
    requests[#requests + 1] = wrk.format("GET", "/v1/placements/" .. line, headers)
  end
  math.randomseed(os.time() + thread_index)
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
  pause_ms = rate > 0 and (connections * 1000 / rate) or 0
end

-- Defined only when pacing: wrk calls it before every request once it exists.
if rate > 0 then
  function delay()
    return pause_ms
  end
end

function request()
  return requests[math.random(#requests)]
end
