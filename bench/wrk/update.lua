-- PATCH /api/v1/user/{id} for random existing users. args: ids-file
local ids = {}
local n = 0

function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time() * 1000 + tid)
  wrk.method = "PATCH"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  n = n + 1
  local id = ids[math.random(#ids)]
  return wrk.format(nil, "/api/v1/user/" .. id, nil,
    '{"user_id":"' .. id .. '","first_name":"Ada ' .. n .. '","metadata":{"seen":' .. n .. '}}')
end
