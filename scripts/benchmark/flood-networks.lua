-- wrk script of scripts/benchmark.sh --flood-networks: a flood of forged tokens, each request from
-- another IPv6 /64 behind a proxy that the service trusts.
--
--   wrk -t THREADS -c CONNECTIONS ... -s flood-networks.lua URL -- TOKEN_FILE THREADS
--
-- Each request carries one of the file's forged tokens (one a line, never printed) and
-- X-Forwarded-For: 2001:db8:ab:N::1, the next /64 of the /48 2001:db8:ab::/48 (N from 0 to ffff,
-- then round again): one host's share of IPv6, 65,536 keys of the failed sign-in limit. Thread T
-- of THREADS sends the networks T, T + THREADS, T + 2 × THREADS, ..., so that together the threads
-- go through every /64 in turn. Each thread counts its answers by status; at the end one line gives
-- the counts of all threads ("statuses 401=10 429=151230"), as flood.lua prints them.

local threads = {}
local count = 0

function setup(thread)
  thread:set("id", count)
  count = count + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(args[1]) do
    if line ~= "" then
      tokens[#tokens + 1] = "Bearer " .. line
    end
  end
  if #tokens == 0 then
    error("no token in " .. args[1])
  end
  step = tonumber(args[2])
  network = id
  sent = 0
  statuses = {}
end

function request()
  local headers = {
    ["Authorization"] = tokens[(sent % #tokens) + 1],
    ["X-Forwarded-For"] = string.format("2001:db8:ab:%x::1", network % 65536),
  }
  network = network + step
  sent = sent + 1
  return wrk.format("POST", nil, headers, nil)
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
