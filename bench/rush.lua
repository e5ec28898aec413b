-- wrk script for the counter under a rush: the article (a new reader each
-- request: wrk sends no cookies back) for the first N seconds (the argument
-- after --), then /robots.txt, which is never counted, until wrk stops. So
-- every article request sent has had its answer by the end, and the
-- article's answers (the HTML ones) are the views the site must have
-- counted. Also counts every answer that is not a 200.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counting_seconds = tonumber(args[1])
  sent, answered, not_ok = 0, 0, 0
  statuses = {}
end

function request()
  -- Also called once on wrk's main state, before any init().
  if counting_seconds == nil then
    return wrk.format("GET")
  end
  local now = os.time()
  started = started or now
  if now - started < counting_seconds then
    sent = sent + 1
    return wrk.format("GET")
  end
  return wrk.format("GET", "/robots.txt")
end

function response(status, headers, body)
  if status ~= 200 then
    not_ok = not_ok + 1
    statuses[status] = (statuses[status] or 0) + 1
  end
  local content_type = headers["Content-Type"] or headers["content-type"] or ""
  if content_type:find("text/html", 1, true) then
    answered = answered + 1
  end
end

function done(summary, latency, requests)
  local total_sent, total_answered, total_not_ok = 0, 0, 0
  local by_status = {}
  for _, thread in ipairs(threads) do
    total_sent = total_sent + thread:get("sent")
    total_answered = total_answered + thread:get("answered")
    total_not_ok = total_not_ok + thread:get("not_ok")
    for status, n in pairs(thread:get("statuses")) do
      table.insert(by_status, string.format('"%d": %d', status, n))
    end
  end
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "non2xx": %d, "socket_errors": %d, ' ..
    '"timeouts": %d, "p50_us": %d, "p99_us": %d, "max_us": %d, "sent": %d, ' ..
    '"answered": %d, "not_200": %d, "not_200_statuses": [{%s}]}\n',
    summary.requests, summary.duration, e.status,
    e.connect + e.read + e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), latency.max,
    total_sent, total_answered, total_not_ok, table.concat(by_status, "}, {")))
end
