-- wrk script of scripts/benchmark.sh --at-defaults and --soak: tokens.lua at a pace, POST /token,
-- each request with the bearer token of the next user in a file of pre-generated JWTs (one a line,
-- never printed), each connection waiting DELAY_MS between an answer and its next request (wrk
-- leaves the wait out of the latency), so that no user exceeds the per-user rate limit's defaults.
--
--   wrk -t THREADS ... -s paced.lua URL -- TOKEN_FILE THREADS DELAY_MS
--
-- Each wrk thread takes every THREADS-th token of the file and goes round its share, so that a
-- file with as many tokens as requests sends each token once (the "new users" row). At the end it
-- prints how often a thread went round its share ("tokens-wrapped N"), so that the benchmark can
-- tell when a file of new users ran out, and the answers by status ("statuses 200=5120 429=2"), so
-- that a run with non-2xx answers says which.

local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  local file, share = args[1], tonumber(args[2])
  pause = tonumber(args[3])
  prepared = {}
  local index = 0
  for line in io.lines(file) do
    if line ~= "" then
      if index % share == id then
        prepared[#prepared + 1] = wrk.format("POST", nil, { ["Authorization"] = "Bearer " .. line }, nil)
      end
      index = index + 1
    end
  end
  if #prepared == 0 then
    error("no token for thread " .. id .. " in " .. file)
  end
  position = 1
  wraps = 0
  statuses = {}
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function delay()
  return pause
end

function request()
  if position > #prepared then
    position = 1
    wraps = wraps + 1
  end
  local next = prepared[position]
  position = position + 1
  return next
end

function done(summary, latency, requests)
  local wrapped, total, codes = 0, {}, {}
  for _, thread in ipairs(threads) do
    wrapped = wrapped + thread:get("wraps")
    for status, count in pairs(thread:get("statuses")) do
      if total[status] == nil then
        codes[#codes + 1] = status
      end
      total[status] = (total[status] or 0) + count
    end
  end
  io.write(string.format("tokens-wrapped %d\n", wrapped))
  table.sort(codes)
  local line = "statuses"
  for _, status in ipairs(codes) do
    line = line .. string.format(" %d=%d", status, total[status])
  end
  io.write(line .. "\n")
end
