-- wrk script of scripts/benchmark.sh: the flood rows' load, POST /token again and again with one
-- bearer token read from a file (the forged token; never printed).
--
--   wrk -t THREADS -c CONNECTIONS ... -s flood.lua URL -- TOKEN_FILE
--
-- Every connection sends the same request, so it is formatted once per thread. Each thread counts
-- its answers by status; at the end one line gives the counts of all threads ("statuses 401=10
-- 429=151230"), which the benchmark reads back: wrk itself only counts "Non-2xx or 3xx".

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  local file = assert(io.open(args[1]))
  local token = file:read("*l")
  file:close()
  if token == nil or token == "" then
    error("no token in " .. args[1])
  end
  wrk.method = "POST"
  wrk.headers["Authorization"] = "Bearer " .. token
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total, codes = {}, {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      if total[status] == nil then
        codes[#codes + 1] = status
      end
      total[status] = (total[status] or 0) + count
    end
  end
  table.sort(codes)
  local line = "statuses"
  for _, status in ipairs(codes) do
    line = line .. string.format(" %d=%d", status, total[status])
  end
  io.write(line .. "\n")
end
