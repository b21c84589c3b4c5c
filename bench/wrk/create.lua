-- POST /api/v1/user with ids no run has used: <prefix>-<thread>-<n>. args: prefix
local n = 0
local prefix

function init(args)
  prefix = args[1] .. "-" .. tid .. "-"
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local id = prefix .. n
  return wrk.format(nil, "/api/v1/user", nil,
    '{"user_id":"' .. id .. '","email":"' .. id .. '@example.com","first_name":"Ada","last_name":"Lovelace",' ..
    '"metadata":{"plan":"pro","seats":' .. (n % 50) .. ',"tags":["bench","throughput"]}}')
end
