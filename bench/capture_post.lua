-- wrk script of bench.capture_api: every request POSTs one new row (PostgREST answers 201).
-- The owner defaults to the caller (auth.uid()); the shard varies as a bulk load's would.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Prefer"] = "return=minimal"

local counter = 0

request = function()
  counter = counter + 1
  local body = string.format('{"shard": %d, "body": "row %d"}', counter % 100, counter)
  return wrk.format(nil, nil, nil, body)
end
