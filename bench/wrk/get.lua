-- GET /api/v1/user/{id} for random existing users. args: ids-file [consistency]
local ids = {}

function init(args)
  for line in io.lines(args[1]) do ids[#ids + 1] = line end
  math.randomseed(os.time() * 1000 + tid)
  if args[2] and args[2] ~= "" then wrk.headers["X-Zep-Consistency"] = args[2] end
end

function request()
  return wrk.format("GET", "/api/v1/user/" .. ids[math.random(#ids)])
end
