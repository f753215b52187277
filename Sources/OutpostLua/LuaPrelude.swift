/// The trusted Lua code run in every new state before any script: the sandbox, the Lua 5.1
/// compatibility shims templates written for the original need (`ems-lsr.md` §4.9), and then the
/// Lua-side API of the script resource (``LuaFramework``).
///
/// It runs once with the full standard library and no limits, keeps private references to the `debug`
/// functions that `module`/`setfenv` need, and only then removes what scripts must not reach.
enum LuaPrelude {
    static func install(in state: LuaState, sandbox: Bool) throws(LuaError) {
        let saved = state.limits
        state.limits = .unlimited
        defer { state.limits = saved }
        try state.load(Array(source.utf8), chunkName: "=prelude")
        state.pushNatives()
        state.push(.boolean(sandbox))
        try state.protectedCall(arguments: 2, results: 0)
        try state.load(Array(LuaFramework.source.utf8), chunkName: "=framework")
        state.pushNatives()
        try state.protectedCall(arguments: 1, results: 0)
    }

    static let source = #"""
local natives, sandbox = ...
local getinfo, getupvalue, upvaluejoin = debug.getinfo, debug.getupvalue, debug.upvaluejoin
local rawload, type, select, setmetatable, error = load, type, select, setmetatable, error
local concat = table.concat

-- Text chunks only: bytecode could break the VM's memory safety.
local function textload(chunk, name, hasEnv, env)
  if type(chunk) == "string" and chunk:byte(1) == 27 then
    return nil, "binary chunks are not allowed (load text only)"
  end
  if hasEnv then return rawload(chunk, name, "t", env) end
  return rawload(chunk, name, "t")
end
load = function(chunk, name, mode, ...)
  return textload(chunk, name, select("#", ...) > 0, (...))
end

-- print goes to the log, not to the gateway's stdout.
print = function(...)
  local parts = {}
  for i = 1, select("#", ...) do parts[i] = tostring((select(i, ...))) end
  natives.log("info", "print", concat(parts, "\t"))
end

-- require: preloaded framework modules, then Lua files under the scripts directory only.
local function scriptSearcher(name)
  local source, path = natives.readScript(name)
  if source == nil then
    return "\n\tno file '" .. tostring(path) .. "'"
  end
  local loader, message = rawload(source, "@" .. path, "t")
  if loader == nil then
    error(message, 0)
  end
  return loader, path
end
package.searchers = { package.searchers[1], scriptSearcher }
package.path, package.cpath = "", ""
package.loadlib = nil

-- Lua 5.1 names (ems-lsr.md §4.9).
unpack = table.unpack
loadstring = function(source, name) return textload(source, name, false) end
table.getn = function(t) return #t end
table.maxn = table.maxn or function(t)
  local n = 0
  for k in pairs(t) do if type(k) == "number" and k > n then n = k end end
  return n
end
math.pow = math.pow or function(x, y) return x ^ y end
math.mod = math.mod or math.fmod
math.log10 = math.log10 or function(x) return math.log(x, 10) end
string.gfind = string.gfind or string.gmatch

local function functionAt(f, level)
  if type(f) == "number" then
    if f == 0 then return nil end
    local info = getinfo(f + level, "f")
    if info == nil then error("bad argument #1 (invalid level)", level + 1) end
    return info.func
  end
  return f
end

local function envIndex(f)
  local i = 1
  while true do
    local name = getupvalue(f, i)
    if name == "_ENV" then return i end
    if name == nil then return nil end
    i = i + 1
  end
end

-- setfenv/getfenv on the function's _ENV upvalue: enough for templates and module().
setfenv = function(f, env)
  local fn = functionAt(f, 2)
  if fn == nil then return nil end
  local index = envIndex(fn)
  if index then upvaluejoin(fn, index, function() return env end, 1) end
  return fn
end
getfenv = function(f)
  local fn = functionAt(f == nil and 1 or f, 2)
  if fn == nil then return _G end
  local index = envIndex(fn)
  if index == nil then return _G end
  local _, env = getupvalue(fn, index)
  return env
end

package.seeall = function(m)
  local meta = getmetatable(m) or {}
  meta.__index = _G
  return setmetatable(m, meta)
end

-- module(name, ...): creates/reuses package.loaded[name], applies the extenders (package.seeall,
-- thingworx.template.extend, …) and makes the module table the caller's environment.
module = function(name, ...)
  if type(name) ~= "string" then error("bad argument #1 to 'module' (string expected)", 2) end
  local m = package.loaded[name]
  if type(m) ~= "table" then
    m = {}
    package.loaded[name] = m
  end
  m._NAME, m._M, m._PACKAGE = name, m, name:match("^(.*)%.") or ""
  local scope = _G
  for part in name:gmatch("([^%.]+)%.") do
    if type(rawget(scope, part)) ~= "table" then rawset(scope, part, {}) end
    scope = rawget(scope, part)
  end
  rawset(scope, name:match("([^%.]+)$"), m)
  for i = 1, select("#", ...) do
    local extend = select(i, ...)
    if extend ~= nil then extend(m) end
  end
  local caller = getinfo(2, "f")
  if caller and caller.func then
    local index = envIndex(caller.func)
    if index then upvaluejoin(caller.func, index, function() return m end, 1) end
  end
  return m
end

if sandbox then
  io, debug, dofile, loadfile = nil, nil, nil, nil
  os.execute, os.exit, os.remove, os.rename, os.getenv, os.tmpname, os.setlocale = nil, nil, nil, nil, nil, nil, nil
  string.dump = nil
  arg = nil
end
"""#
}
