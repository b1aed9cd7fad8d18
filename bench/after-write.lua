-- One reader on one connection, over and over: re-rate an article through the JSON API (their
-- reader cookie), then read its page as a new visitor would (no cookie, brotli or gzip). Every
-- read follows its own write, so it sees a page rebuilt since the last read. Arguments: the
-- article's id, its slug, the reader's cookie.
local rates, page
local flip, sent_rate = 0, false
reads, stale, failed = 0, 0, 0
local last_etag

function init(args)
  local path = "/api/v1/articles/" .. args[1] .. "/ratings"
  local headers = { ["Content-Type"] = "application/json", ["Cookie"] = args[3] }
  rates = {
    wrk.format("POST", path, headers, '{"value":100}'),
    wrk.format("POST", path, headers, '{"value":0}'),
  }
  page = wrk.format("GET", "/articles/" .. args[2], { ["Accept-Encoding"] = "br, gzip" })
end

function request()
  sent_rate = not sent_rate
  if sent_rate then
    flip = flip % 2 + 1
    return rates[flip]
  end
  return page
end

-- Told apart by their type, not by the order sent (wrk asks request() once more than it sends, so
-- the first request on the wire is a read). A read is stale when the rating answered since the
-- last read changed the reader's value and the ETag is still the last read's.
local changed, last_value = false, nil
function response(status, headers, body)
  local html = (headers["content-type"] or headers["Content-Type"] or ""):find("text/html", 1, true)
  if status ~= 200 then
    failed = failed + 1
  elseif not html then
    local value = body:match('"yourRating":(%d+)')
    changed = last_value ~= nil and value ~= last_value
    last_value = value
  else
    reads = reads + 1
    local etag = headers["etag"] or headers["ETag"]
    if changed and etag == last_etag then stale = stale + 1 end
    last_etag, changed = etag, false
  end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done(summary, latency, requests)
  local r, s, f = 0, 0, 0
  for _, t in ipairs(threads) do
    r = r + t:get("reads"); s = s + t:get("stale"); f = f + t:get("failed")
  end
  io.write(string.format("after-write reads %d stale %d failed %d\n", r, s, f))
end
