-- wrk: POST /v1/placements with a time range no other request uses, so every create succeeds
-- (the overlap constraint still runs). BENCH_RUN numbers the wrk runs of one benchmark: each
-- run writes its own 10,000 s stretch of the videos' timeline. Videos and products are picked at random among the
-- seeded ones, as in placement_create.sql for pgbench.
-- thread_index is a global set by setup() in each thread's own Lua state (a top-level local
-- would hide it and give every thread the same ranges and the same random sequence).
local counter = 0
local threads = 0

function setup(thread)
  thread:set("thread_index", threads)
  threads = threads + 1
end

function init(args)
  key = os.getenv("BENCH_KEY")
  videos = tonumber(os.getenv("BENCH_VIDEOS"))
  products = tonumber(os.getenv("BENCH_PRODUCTS"))
  run_offset_ms = tonumber(os.getenv("BENCH_RUN") or "0") * 10000000
  math.randomseed(os.time() + thread_index)
end

local function id(kind, n)
  return string.format("%08x-0000-4000-8000-%012x", kind, n)
end

function request()
  counter = counter + 1
  local start_ms = run_offset_ms + (counter * 256 + thread_index) * 2
  local body = string.format(
    '{"video_id":"%s","product_id":"%s","time_range":{"start_time":%d.%03d,"end_time":%d.%03d}}',
    id(2, math.random(videos)), id(1, math.random(products)),
    math.floor(start_ms / 1000), start_ms % 1000,
    math.floor((start_ms + 1) / 1000), (start_ms + 1) % 1000)
  return wrk.format("POST", "/v1/placements",
                    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"},
                    body)
end
