-- GET /api/v1/user?limit=10&cursor=<random position>. args: user-count [consistency]
local users

function init(args)
  users = tonumber(args[1])
  math.randomseed(os.time() * 1000 + tid)
  if args[2] and args[2] ~= "" then wrk.headers["X-Zep-Consistency"] = args[2] end
end

function request()
  return wrk.format("GET", "/api/v1/user?limit=10&cursor=" .. math.random(0, math.max(0, users - 10)))
end
