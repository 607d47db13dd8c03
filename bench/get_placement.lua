-- wrk: GET /v1/placements/{id} over the ids in $BENCH_IDS (one per line), at random. With
-- BENCH_RATE set (requests per second for the whole run), each connection paces itself so
-- that the load is open-ended at that rate rather than as fast as possible.
local ids = {}

function init(args)
  key = os.getenv("BENCH_KEY")
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time())
  local rate = tonumber(os.getenv("BENCH_RATE") or "0")
  local connections = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")
  pause_ms = rate > 0 and (connections * 1000 / rate) or 0
end

function delay()
  return pause_ms
end

function request()
  return wrk.format("GET", "/v1/placements/" .. ids[math.random(#ids)],
                    {["Authorization"] = "Bearer " .. key})
end
