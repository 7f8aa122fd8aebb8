-- wrk script of the reliability soak (src/bench/reliability.sh): GETs of the hot packages, uploads of new ones,
-- deletes of a thread's own uploads (long after they were answered), and listings. Every answer must be 200.
-- Arguments: BODY_FILE HOT_COUNT
local threads = {}
local LAG = 2000   -- requests between an upload and its delete: far more than the connections in flight

function setup(thread)
  table.insert(threads, thread)
  thread:set("id", #threads)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  hot = tonumber(args[2])
  -- pending[head..tail] are this thread's uploads not deleted yet, oldest first
  counter, head, tail, errors, uploads, deletes = 0, 1, 0, 0, 0, 0
  pending = {}
  statuses = {}
  math.randomseed(id * 7919 + os.time())
end

function request()
  counter = counter + 1
  local r = math.random(100)
  if r <= 10 then
    local name = "soak-" .. id .. "-1.0." .. counter .. ".tar.gz"
    tail = tail + 1
    pending[tail] = { name, counter }
    uploads = uploads + 1
    return wrk.format("PUT", "/packages/" .. name, { ["Content-Type"] = "application/gzip" }, body)
  elseif r <= 20 and head <= tail and counter - pending[head][2] > LAG then
    local name = pending[head][1]
    pending[head] = nil
    head = head + 1
    deletes = deletes + 1
    return wrk.format("DELETE", "/packages/" .. name)
  elseif r <= 30 then
    return wrk.format("GET", "/packages")
  end
  return wrk.format("GET", "/packages/hot-" .. math.random(hot) .. "-1.0.0.tar.gz")
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if status ~= 200 then
    errors = errors + 1
  end
end

function done(summary, latency, requests)
  local errs, ups, dels, seen = 0, 0, 0, {}
  for _, thread in ipairs(threads) do
    errs = errs + thread:get("errors")
    ups = ups + thread:get("uploads")
    dels = dels + thread:get("deletes")
    for status, n in pairs(thread:get("statuses")) do
      seen[status] = (seen[status] or 0) + n
    end
  end
  local text = ""
  for status, n in pairs(seen) do
    text = text .. status .. ":" .. n .. " "
  end
  io.write(string.format("SOAK requests=%d seconds=%.1f rps=%.0f errors=%d socket_errors=%d uploads=%d deletes=%d p99_ms=%.1f statuses=%s\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), errs,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout + summary.errors.status,
    ups, dels, latency:percentile(99) / 1000, text))
end
