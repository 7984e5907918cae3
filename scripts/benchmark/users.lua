-- wrk script of scripts/benchmark.sh: the signed-in users of the flood rows, each on a connection
-- of their own at a moderate pace, POST /token with their own bearer token (read from a file of
-- pre-generated JWTs, one a line; never printed).
--
--   wrk -t USERS -c USERS ... -s users.lua URL -- TOKEN_FILE DELAY_MS
--
-- Run with as many threads as connections: wrk then gives each thread one connection, and thread
-- N sends the token on line N + 1 of the file, so that each connection is one user. Each waits
-- DELAY_MS between an answer and its next request (wrk leaves the wait out of the latency). Each
-- thread counts its answers by status; at the end one line gives the counts of all threads
-- ("statuses 200=5980"), as scripts/benchmark/flood.lua prints them.

local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  local file, pause = args[1], tonumber(args[2])
  local index = 0
  for line in io.lines(file) do
    if line ~= "" then
      if index == id then
        wrk.method = "POST"
        wrk.headers["Authorization"] = "Bearer " .. line
      end
      index = index + 1
    end
  end
  if wrk.headers["Authorization"] == nil then
    error("no token for thread " .. id .. " in " .. file)
  end
  wait = pause
  statuses = {}
end

function delay()
  return wait
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
