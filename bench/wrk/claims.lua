-- wrk script: claim look-ups as `onething bench load --target ma-claims` sends them, in a
-- closed loop (each connection sends its next request when the answer is in), to measure
-- how many look-ups the server answers per second and its CPU per look-up.
--   TOKEN=… IDS=1000000 wrk -t1 -c16 -d15s --latency -s bench/wrk/claims.lua http://127.0.0.1:8080/
-- Ids are drawn uniformly from bench-ma-1 … bench-ma-IDS (`onething bench seed-claims`).
math.randomseed(7)
local token = os.getenv("TOKEN") or error("TOKEN: a bearer token (POST /api/v1/session)")
local ids = tonumber(os.getenv("IDS") or "1000000")

request = function()
  local path = "/api/v1/maternity-allowance/claims/bench-ma-" .. math.random(1, ids) .. "?include=summary"
  return wrk.format("GET", path, { ["authorization"] = "Bearer " .. token })
end
