-- wrk script: POSTs the SPARQL query bodies listed in the file named by BODIES (one urlencoded
-- form body per line) in turn, each made unique by a trailing comment so no cache can answer it:
-- the comment holds the run's NONCE (set per wrk run by bench.py), the wrk thread and a counter, so
-- no two requests of any run of a benchmark (nor of two threads of one run) send the same text.
-- With UNIQUE=0 the bodies are sent as they are (repeated requests). With PATHS set, GETs those
-- paths in turn instead.
local bodies, paths, n, accept = {}, {}, 0, os.getenv("ACCEPT") or "application/sparql-results+json"
local unique = os.getenv("UNIQUE") ~= "0"
local extra = os.getenv("EXTRA") or ""
local nonce = os.getenv("NONCE") or tostring(os.time())
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
if os.getenv("BODIES") then for line in io.lines(os.getenv("BODIES")) do bodies[#bodies + 1] = line end end
if os.getenv("PATHS") then for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end end
request = function()
  n = n + 1
  if #paths > 0 then
    return wrk.format("GET", paths[(n % #paths) + 1], {["Accept"] = accept})
  end
  -- the unique comment belongs to the query parameter, which comes first; extra parameters follow
  local body = bodies[(n % #bodies) + 1]
  if unique then body = body .. "%0A%23" .. nonce .. "-" .. tostring(tid) .. "-" .. n end
  body = body .. extra
  return wrk.format("POST", nil, {["Content-Type"] = "application/x-www-form-urlencoded",
                                  ["Accept"] = "application/sparql-results+json"}, body)
end
