-- Writes through the JSON API, each from a reader the site has not seen (no cookie), each from its
-- own address (X-Forwarded-For, the server trusting loopback as its proxy), as load-generator.ts
-- sends them with autocannon. Arguments: "rating" or "comment", the article's id, the first
-- reader number (so that runs do not reuse addresses), and for comments a file of form tokens,
-- one a line, each good for one comment.
local kind, path, n, tokens, next_token
acknowledged, failed = 0, 0
local expected

function init(args)
  kind = args[1]
  path = "/api/v1/articles/" .. args[2] .. "/" .. (kind == "rating" and "ratings" or "comments")
  n = tonumber(args[3])
  expected = kind == "rating" and 200 or 201
  if kind == "comment" then
    tokens, next_token = {}, 1
    for line in io.lines(args[4]) do tokens[#tokens + 1] = line end
  end
end

local function address(i)
  return string.format("198.%d.%d.%d", 20 + math.floor(i / 65536) % 200, math.floor(i / 256) % 256, i % 256)
end

function request()
  n = n + 1
  local headers = { ["Content-Type"] = "application/json", ["X-Forwarded-For"] = address(n) }
  if kind == "rating" then
    return wrk.format("POST", path, headers, '{"value":' .. (n % 101) .. '}')
  end
  headers["Broadsheet-Form-Token"] = tokens[next_token]
  next_token = next_token + 1
  if next_token > #tokens then error("writes.lua ran out of form tokens") end
  local body = string.format(
    '{"authorName":"Load Reader %d","authorEmail":"load-reader-%d@example.org",'
      .. '"body":"Comment %d from the load test, with *emphasis* and a [link](https://example.org/%d)."}',
    n, n, n, n)
  return wrk.format("POST", path, headers, body)
end

function response(status)
  if status == expected then acknowledged = acknowledged + 1 else failed = failed + 1 end
end

local threads = {}
function setup(thread) table.insert(threads, thread) end

function done()
  local a, f = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("acknowledged"); f = f + t:get("failed") end
  io.write(string.format("writes acknowledged %d failed %d\n", a, f))
end
