-- wrk: GET /v1/placement-details?video_id=… over the video ids in $BENCH_IDS (one per line), at
-- random; a page of up to 100 rows (a video has ~100 placements in bench/readmodel's data).
local ids = {}

function init(args)
  key = os.getenv("BENCH_KEY")
  for line in io.lines(os.getenv("BENCH_IDS")) do ids[#ids + 1] = line end
  math.randomseed(os.time() + (tonumber(os.getenv("BENCH_SEED") or "0")))
end

function request()
  return wrk.format("GET", "/v1/placement-details?limit=100&video_id=" .. ids[math.random(#ids)],
                    {["Authorization"] = "Bearer " .. key})
end
