/// The Lua side of the script resource (`ems-lsr.md` §4.7–4.8), written in Lua because templates call
/// it from Lua: `thingworx.template.extend`, properties and handlers, data shapes, service definitions,
/// `me:setProperty`/`me:getProperty`, the per-thing scan with its push rules, and the API names of §4.8.
///
/// `server.*` and `tw_ems.*` reach the EMS through the state's ``LuaHostBridge`` (503 without one);
/// `tw_http.get/post/put/delete` reach any HTTP(S) server and `tw_script.getScriptList/getStatus` list the
/// resource's scripts through the same bridge; the script/http handlers exist and answer 503 with a message.
enum LuaFramework {
    static let source = #"""
local natives = ...
local framework = { callerLine = natives.callerLine }
thingworx = { framework = framework }

-- json --------------------------------------------------------------------------------------------
json = {}
json.null = setmetatable({}, { __tostring = function() return "null" end, __name = "json.null" })
json.encode = natives.jsonEncode
json.decode = natives.jsonDecode

-- log ---------------------------------------------------------------------------------------------
log = {}
for _, level in ipairs({ "force", "audit", "error", "warn", "info", "debug", "trace" }) do
  log[level] = function(origin, fmt, ...)
    local ok, message = pcall(string.format, tostring(fmt), ...)
    if not ok then message = tostring(fmt) end
    natives.log(level, tostring(origin), message)
  end
end

-- base types ----------------------------------------------------------------------------------------
local TEXTUAL = {
  STRING = true, TEXT = true, XML = true, HTML = true, HYPERLINK = true, IMAGELINK = true, PASSWORD = true,
  GUID = true, QUERY = false, TAGS = true, THINGNAME = true, THINGSHAPENAME = true, THINGTEMPLATENAME = true,
  DATASHAPENAME = true, PROPERTYNAME = true, SERVICENAME = true, EVENTNAME = true, USERNAME = true,
  GROUPNAME = true, MASHUPNAME = true, MENUNAME = true, BASETYPENAME = true, CATEGORYNAME = true,
  STATEDEFINITIONNAME = true, STYLEDEFINITIONNAME = true, MODELTAGVOCABULARYNAME = true,
  DATATAGVOCABULARYNAME = true, NETWORKNAME = true, MEDIAENTITYNAME = true, APPLICATIONKEYNAME = true,
  LOCALIZATIONTABLENAME = true, ORGANIZATIONNAME = true, DASHBOARDNAME = true,
}
local KNOWN = { NUMBER = true, INTEGER = true, LONG = true, BOOLEAN = true, DATETIME = true, INFOTABLE = true,
  LOCATION = true, JSON = true, QUERY = true, IMAGE = true, BLOB = true, VARIANT = true, NOTHING = true,
  TIMESPAN = true, SCHEDULE = true }
for k, v in pairs(TEXTUAL) do if v then KNOWN[k] = true end end
framework.KNOWN_TYPES = KNOWN

local function describe(v)
  if type(v) == "string" then return ("string %q"):format(#v > 40 and v:sub(1, 40) .. "…" or v) end
  if type(v) == "number" or type(v) == "boolean" then return type(v) .. " " .. tostring(v) end
  return type(v)
end

-- Converts a value to a base type, or returns nil and a message saying what was expected.
local function coerce(baseType, v)
  local t = type(v)
  if baseType == "NUMBER" then
    local n = tonumber(v)
    if n == nil then return nil, "expected a number, got " .. describe(v) end
    return n
  elseif baseType == "INTEGER" or baseType == "LONG" or baseType == "DATETIME" then
    local n = tonumber(v)
    local i = n and math.tointeger(n)
    if baseType == "DATETIME" and n and not i then i = math.tointeger(math.floor(n)) end
    if i == nil then return nil, "expected an integer, got " .. describe(v) end
    if baseType == "INTEGER" and (i < -2147483648 or i > 2147483647) then
      return nil, "expected an integer within 32 bits, got " .. tostring(i)
    end
    return i
  elseif baseType == "BOOLEAN" then
    if t == "boolean" then return v end
    if t == "string" and (v:lower() == "true" or v:lower() == "false") then return v:lower() == "true" end
    return nil, "expected true or false, got " .. describe(v)
  elseif TEXTUAL[baseType] then
    if t == "string" then return v end
    if t == "number" then return tostring(v) end
    return nil, "expected a string, got " .. describe(v)
  elseif baseType == "LOCATION" then
    if t == "table" and tonumber(v.latitude) and tonumber(v.longitude) then
      return { latitude = tonumber(v.latitude), longitude = tonumber(v.longitude), elevation = tonumber(v.elevation) or 0 }
    end
    return nil, "expected a table with latitude and longitude, got " .. describe(v)
  elseif baseType == "INFOTABLE" then
    if t == "table" and type(v.toTable) == "function" then return v:toTable() end
    if t == "table" then return v end
    return nil, "expected an infotable (table), got " .. describe(v)
  elseif baseType == "JSON" or baseType == "QUERY" then
    if t == "table" then return v end
    if t == "string" then
      local ok, decoded = pcall(json.decode, v)
      if ok and type(decoded) == "table" then return decoded end
    end
    return nil, "expected a table (JSON object), got " .. describe(v)
  elseif baseType == "IMAGE" or baseType == "BLOB" then
    if t == "string" then return v end
    return nil, "expected a string of bytes, got " .. describe(v)
  end
  return v
end
framework.coerce = coerce

local function defaultValue(baseType, dataShape)
  if TEXTUAL[baseType] or baseType == "IMAGE" or baseType == "BLOB" then return "" end
  if baseType == "BOOLEAN" then return false end
  if baseType == "LOCATION" then return { latitude = 0, longitude = 0, elevation = 0 } end
  if baseType == "INFOTABLE" then
    local shape = DataShape and dataShape and DataShape[dataShape]
    return { dataShape = { fieldDefinitions = shape and shape:toTable().fieldDefinitions or {} }, rows = {} }
  end
  if baseType == "JSON" or baseType == "QUERY" then return {} end
  if baseType == "NUMBER" then return 0.0 end
  return 0
end

-- tw_utils --------------------------------------------------------------------------------------------
tw_utils = {}
ps_utils = tw_utils
tw_utils.EMS_SVC_PATH = "/Thingworx/Things/%s/Services/%s"
tw_utils.EMS_PROP_PATH = "/Thingworx/Things/%s/Properties/%s"
tw_utils.EMS_EVENT_PATH = "/Thingworx/Things/%s/Events/%s"
tw_utils.EMS_PROPS_VTQ_PATH = "/Thingworx/Things/%s/Services/UpdateSubscribedPropertyValues"
-- Unix-epoch milliseconds everywhere (the luadoc's 0001-01-01 epoch is not used by the framework).
tw_utils.currentTime = natives.nowMillis
tw_utils.psleep = function(ms)
  if tonumber(ms) == nil then error("The 'psleep' command requires delay setting in milliseconds.", 2) end
  -- true when cut short because the thing is stopping
  local interrupted = natives.sleep(tonumber(ms))
  if tonumber(ms) > 10 then collectgarbage("step") end
  return interrupted
end
tw_utils.host_os = function() return "linux" end
tw_utils.isWindows = function() return false end
tw_utils.base64_encode = natives.base64Encode
tw_utils.base64_decode = natives.base64Decode
tw_utils.toboolean = function(v)
  if v == nil or v == false or v == 0 then return false end
  if type(v) == "string" then local l = v:lower(); return not (l == "false" or l == "0" or l == "") end
  return true
end
tw_utils.toString = function(v)
  if type(v) == "table" then local ok, s = pcall(json.encode, v); return ok and s or tostring(v) end
  return tostring(v)
end
tw_utils.isJson = function(s)
  if type(s) ~= "string" then return false end
  local ok, v = pcall(json.decode, s)
  return ok and type(v) == "table"
end
tw_utils.encodeData = function(data)
  if data == nil then return true, "{}" end
  if type(data) == "table" and next(data) == nil then return true, "{}" end
  local ok, text = pcall(json.encode, data)
  return ok, text
end
tw_utils.uri_encode = function(s)
  return (tostring(s):gsub("[^%w%-%._~]", function(c) return ("%%%02X"):format(c:byte()) end))
end
tw_utils.uri_decode = function(s)
  return (tostring(s):gsub("+", " "):gsub("%%(%x%x)", function(h) return string.char(tonumber(h, 16)) end))
end
tw_utils.parseQueryParams = function(query)
  local params = {}
  for k, v in tostring(query or ""):gmatch("([^&=?]+)=([^&]*)") do params[tw_utils.uri_decode(k)] = tw_utils.uri_decode(v) end
  return params
end
tw_utils.REQ_HEADERS = function(host, contentType, headers)
  local h = { ["content-type"] = contentType or "application/json", host = host or "localhost" }
  for k, v in pairs(headers or {}) do h[k] = v end
  return h
end
tw_utils.RESP_HEADERS = function(contentType, headers)
  local h = { ["Content-Type"] = contentType or "application/json" }
  for k, v in pairs(headers or {}) do h[k] = v end
  return h
end
tw_utils.toVTQ = function(value, time, quality)
  return { value = value, time = time or tw_utils.currentTime(), quality = quality or "GOOD" }
end
tw_utils.toVariantVTQ = function(baseType, value, time, quality)
  return { value = { baseType = baseType, value = value }, time = time or tw_utils.currentTime(), quality = quality or "GOOD" }
end
tw_utils.toJsonVTQ = function(...) return json.encode(tw_utils.toVTQ(...)) end
tw_utils.toJsonInfotable = function(name, baseType, value)
  return json.encode({ dataShape = { fieldDefinitions = { [name] = { name = name, baseType = baseType } } }, rows = { { [name] = value } } })
end
tw_utils.scopelock = function(f, ...) return f(...) end
tw_utils.serializeTable = function(t) return json.encode(t) end
tw_utils.deserializeTable = function(s) return json.decode(s) end
tw_utils.datetimeToLuaTime = function(dt) return math.floor((tonumber(dt) or 0) / 1000) end
tw_utils.datetimeToString = function(dt, fmt, utc, msec)
  local seconds = math.floor((tonumber(dt) or 0) / 1000)
  local text = os.date((utc and "!" or "") .. (fmt or "%Y-%m-%d %H:%M:%S"), seconds)
  if msec then text = text .. ("." .. ("%03d"):format(math.floor(tonumber(dt) or 0) % 1000)) end
  return text
end
-- AES with the original's compiled-in key has no equivalent here (ems-lsr.md §5.2): secrets are sealed
-- by the gateway (enc:v1:), not by scripts.
tw_utils.aes_encrypt = function() return nil, "tw_utils.aes_encrypt is not available; seal secrets with `outpost secret encrypt`" end
tw_utils.aes_decrypt = function() return nil, "tw_utils.aes_decrypt is not available; seal secrets with `outpost secret encrypt`" end
tw_utils.calculateCRC16 = function(s)
  local crc = 0xFFFF
  for i = 1, #s do
    crc = crc ~ s:byte(i)
    for _ = 1, 8 do
      if crc & 1 ~= 0 then crc = (crc >> 1) ~ 0xA001 else crc = crc >> 1 end
    end
  end
  return crc
end

-- Change rules (ems-lsr.md §4.7.2). `old` is the previous read; DEADBAND compares with the last pushed
-- value instead, so slow drift is pushed once it adds up.
local CHANGE_BY_IDENTITY = { STRING = true, BOOLEAN = true, DATETIME = true, IMAGE = true, JSON = true, XML = true, INFOTABLE = true }
tw_utils.evaluateChange = function(pt, old)
  local push = pt.pushType
  if push == "ALWAYS" then return true end
  if push == "NEVER" or push == "OFF" then return false end
  if pt.forcePush then return true end
  local reference = old
  if push == "DEADBAND" then reference = pt.lastPushed end
  local baseType = pt.baseType
  if baseType == "NUMBER" or baseType == "INTEGER" or baseType == "LONG" then
    if reference == nil then return true end
    return math.abs((tonumber(pt.value) or 0) - (tonumber(reference) or 0)) > (tonumber(pt.pushThreshold) or 0)
  elseif baseType == "LOCATION" then
    if type(reference) ~= "table" then return true end
    local v = pt.value or {}
    return v.latitude ~= reference.latitude or v.longitude ~= reference.longitude or v.elevation ~= reference.elevation
  elseif CHANGE_BY_IDENTITY[baseType] then
    return pt.value ~= reference
  end
  return false
end

-- stringx / tablex / page / propGroups -----------------------------------------------------------------
stringx = {}
stringx.split = function(s, sep, n)
  local parts, pattern = {}, "([^" .. (sep and sep:gsub("%p", "%%%0") or "%s") .. "]+)"
  for part in tostring(s):gmatch(pattern) do
    parts[#parts + 1] = part
    if n and #parts >= n then break end
  end
  return parts
end
string.split = stringx.split
tablex = {}
local function fullCopy(t, seen)
  if type(t) ~= "table" then return t end
  seen = seen or {}
  if seen[t] then return seen[t] end
  local copy = {}
  seen[t] = copy
  for k, v in pairs(t) do copy[fullCopy(k, seen)] = fullCopy(v, seen) end
  return setmetatable(copy, getmetatable(t))
end
table.fullCopy, tablex.fullCopy = fullCopy, fullCopy
table.toString = function(t) return tw_utils.toString(t) end
tablex.toString = table.toString
table.toContentTypeString = function(t, contentType) return tw_utils.toString(t) end
tablex.toContentTypeString = table.toContentTypeString
propGroups = { getGroup = function() return nil end }
page = {
  new = function() return { parts = {} } end,
  addContent = function(p, s) p.parts[#p.parts + 1] = tostring(s) end,
  addTable = function(p, t) p.parts[#p.parts + 1] = tw_utils.toString(t) end,
  render = function(p) return 200, "<html><body>" .. table.concat(p.parts) .. "</body></html>" end,
  error = function(code, message) return code, tostring(message) end,
  redirect = function(location) return 302, "", { Location = location } end,
}

-- Requests to the EMS (tw_ems, server.*) go through the host bridge; without one they answer 503.
local function encodeBody(data)
  if data == nil then return nil end
  if type(data) == "table" then
    if next(data) == nil then return "{}" end
    return json.encode(data)
  end
  return tostring(data)
end
local function hostRequest(method, path, data, headers)
  if type(path) ~= "string" then error("the path must be a string", 3) end
  return natives.host(method, path, encodeBody(data), type(headers) == "table" and headers or nil)
end
local function decoded(body)
  if type(body) == "string" and body ~= "" then
    local ok, value = pcall(json.decode, body)
    if ok then return value end
  end
  return body
end
local function thingPath(thingName)
  local p_data = framework.p_data or {}
  local own = p_data.identifier and ("*" .. tostring(p_data.identifier)) or p_data.name
  return "/Thingworx/Things/" .. tw_utils.uri_encode(thingName or own or "")
end

tw_ems = {}
for _, method in ipairs({ "get", "put", "post", "delete" }) do
  -- Raw calls: body first, code second (the original's order for tw_ems).
  tw_ems[method] = function(path, data, headers)
    local code, body = hostRequest(method:upper(), path, data, headers)
    return body, code
  end
end
tw_rap, ps_rap = tw_ems, tw_ems

server = { available = true, online = false }
local function serverCall(method, path, data, headers)
  local code, body = hostRequest(method, path, data, headers)
  server.available = code ~= 503 or server.online
  return code, decoded(body)
end
server.get = function(path) return serverCall("GET", path) end
server.put = function(path, data, headers) return serverCall("PUT", path, data or {}, headers) end
server.post = function(path, data, headers) return serverCall("POST", path, data or {}, headers) end
server.delete = function(path) return serverCall("DELETE", path) end
server.invoke = function(service, data, thingName)
  return serverCall("POST", thingPath(thingName) .. "/Services/" .. tw_utils.uri_encode(service), data or {})
end
server.invokeChannel = function(service, data) return server.invoke(service, data) end
server.invokeLocalEms = function(service, data) return server.invoke(service, data, "LocalEms") end
server.getProperty = function(property, thingName)
  return serverCall("GET", thingPath(thingName) .. "/Properties/" .. tw_utils.uri_encode(property))
end
server.fireEvent = function(event, data, thingName)
  return serverCall("POST", thingPath(thingName) .. "/Events/" .. tw_utils.uri_encode(event), data or {})
end
-- A property table ({name, baseType, value, time, quality} or a list of them) is pushed with
-- UpdateSubscribedPropertyValues; a name is written with PUT.
server.setProperties = function(list, thingName)
  local rows = {}
  for _, pt in ipairs(list or {}) do
    rows[#rows + 1] = { name = pt.name, value = { baseType = pt.baseType or "STRING", value = pt.value },
      time = pt.time or tw_utils.currentTime(), quality = pt.quality or "GOOD" }
  end
  local field = function(name, baseType) return { name = name, baseType = baseType, aspects = {} } end
  local body = { rows = { { values = { rows = rows, dataShape = { fieldDefinitions = {
      name = field("name", "STRING"), value = field("value", "VARIANT"), time = field("time", "DATETIME"),
      quality = field("quality", "STRING") } } } } },
    dataShape = { fieldDefinitions = { values = field("values", "INFOTABLE") } } }
  return serverCall("POST", thingPath(thingName) .. "/Services/UpdateSubscribedPropertyValues", body)
end
server.setProperty = function(property, data, thingName)
  if type(property) == "table" then return server.setProperties(property.name and { property } or property, thingName) end
  local body = data
  if type(data) ~= "table" then body = { [property] = data }
  elseif data[property] == nil and data.value ~= nil then body = { [property] = data.value } end
  return serverCall("PUT", thingPath(thingName) .. "/Properties/" .. tw_utils.uri_encode(property), body)
end
thingworx.server, tw_server = server, server
-- tw_http: requests to any HTTP(S) server through the host bridge. A host written "https://name" uses
-- TLS with the system's trust store; a bare host or "http://name" uses plain HTTP.
tw_http = { callbacks = {} }
local function splitHost(host)
  if type(host) ~= "string" then error("tw_http: the host must be a string", 3) end
  local scheme, rest = host:match("^(%a+)://(.*)$")
  if scheme then
    scheme = scheme:lower()
    if scheme ~= "http" and scheme ~= "https" then error("tw_http: unsupported scheme '" .. scheme .. "' (use http:// or https://)", 3) end
    return scheme, (rest:gsub("/+$", ""))
  end
  return "http", host
end
local function withQuery(path, query)
  path = tostring(path or "/")
  if type(query) == "table" and next(query) ~= nil then
    local parts = {}
    for key, value in pairs(query) do
      parts[#parts + 1] = tw_utils.uri_encode(tostring(key)) .. "=" .. tw_utils.uri_encode(tostring(value))
    end
    table.sort(parts)
    path = path .. (path:find("?", 1, true) and "&" or "?") .. table.concat(parts, "&")
  elseif type(query) == "string" and query ~= "" then
    path = path .. (path:find("?", 1, true) and "&" or "?") .. query
  end
  return path
end
local function httpCall(method, host, port, path, data, headers)
  local scheme, name = splitHost(host)
  local sent = {}
  if type(headers) == "table" then for k, v in pairs(headers) do sent[tostring(k)] = tostring(v) end end
  local body = nil
  if type(data) == "table" then
    local parts = {}
    for key, value in pairs(data) do
      parts[#parts + 1] = tw_utils.uri_encode(tostring(key)) .. "=" .. tw_utils.uri_encode(tostring(value))
    end
    table.sort(parts)
    body = table.concat(parts, "&")
    local typed = false
    for k in pairs(sent) do if k:lower() == "content-type" then typed = true end end
    if not typed then sent["Content-Type"] = "application/x-www-form-urlencoded" end
  elseif data ~= nil then
    body = tostring(data)
  end
  local code, text, respHeaders = natives.http(method, scheme, name, port, path, body, sent)
  return text, code, respHeaders
end
tw_http.get = function(host, port, path, headers, query) return httpCall("GET", host, port, withQuery(path, query), nil, headers) end
tw_http.delete = function(host, port, path, headers, query) return httpCall("DELETE", host, port, withQuery(path, query), nil, headers) end
tw_http.post = function(host, port, path, data, headers) return httpCall("POST", host, port, path, data, headers) end
tw_http.put = function(host, port, path, data, headers) return httpCall("PUT", host, port, path, data, headers) end
tw_http.registerCallback = function(path, functionName) tw_http.callbacks[path] = functionName; return true end
-- /scripts/{script}/{path…}: the callback registered for the longest leading part of the path.
framework.httpCallback = function(method, parts, headers, query, body)
  local best, bestLength = nil, -1
  for path, callback in pairs(tw_http.callbacks) do
    local segments = {}
    for segment in tostring(path):gmatch("[^/]+") do segments[#segments + 1] = segment end
    local matches = #segments <= #parts
    for i = 1, #segments do if segments[i] ~= parts[i] then matches = false; break end end
    if matches and #segments > bestLength then best, bestLength = callback, #segments end
  end
  local shown = "/" .. table.concat(parts, "/")
  if best == nil then return 404, "Path " .. shown .. " not found" end
  -- A name is a global function, or one the template defined in its module("templates.…") table.
  local f = type(best) == "function" and best or rawget(_G, best)
  if type(f) ~= "function" then
    for moduleName, m in pairs(package.loaded) do
      if type(moduleName) == "string" and moduleName:sub(1, 10) == "templates." and type(m) == "table"
        and type(rawget(m, best)) == "function" then f = rawget(m, best) end
    end
  end
  if type(f) ~= "function" then return 500, "the callback '" .. tostring(best) .. "' for " .. shown .. " is not a global function" end
  local data = {}
  if type(body) == "string" and body ~= "" then
    local ok, decoded = pcall(json.decode, body)
    data.content = (ok and decoded ~= nil) and decoded or body
  end
  local results = table.pack(f(method, parts, headers, query, data))
  local code, respHeaders, respBody = results[1], nil, results[2]
  if results.n > 2 then respHeaders, respBody = results[2], results[3] end
  respHeaders = type(respHeaders) == "table" and respHeaders or {}
  if type(respBody) == "table" then
    respBody = json.encode(respBody)
    if respHeaders["Content-Type"] == nil then respHeaders["Content-Type"] = "application/json" end
  end
  return tonumber(code) or 500, respBody ~= nil and tostring(respBody) or "", respHeaders
end
ps_http = tw_http
-- tw_dir: file functions confined to the data directory (read-write) and the scripts directory
-- (read-only); paths with '..' or leading outside them answer nil, message.
tw_dir = {}
for _, name in ipairs({ "fileChanged", "directoryFilesChanged", "directorySubdirsChanged", "compressFiles",
  "compressDir", "compressFile", "decompress", "waitForFile", "dwell", "chmod" }) do
  tw_dir[name] = function() return nil, "tw_dir." .. name .. " is not available in the sandbox" end
end
for _, name in ipairs({ "pwd", "listFiles", "listSubdirs", "getFileInfo", "calculateMD5", "move", "copy", "mkdir",
  "remove", "exists", "isDir", "isFile" }) do
  tw_dir[name] = function(...) return natives.dir(name, ...) end
end
tw_dir.unixPath = function(path) return (tostring(path):gsub("\\", "/")) end
tw_dir.fixPath = tw_dir.unixPath
ps_dir = tw_dir
-- tw_script: the resource's scripts are fixed by config.lua; listing and status are answered, the rest
-- answer nil, "not supported: …".
tw_script = {}
for _, name in ipairs({ "addScript", "removeScript", "updateScript", "getResult", "getFilename", "getProperties",
  "getProperty", "setProperties", "executeCallback", "cleanupFinishedScripts", "loadScriptFromFile" }) do
  tw_script[name] = function()
    return nil, "not supported: tw_script." .. name .. " (Outpost runs the scripts configured in config.lua; change them there)"
  end
end
tw_script.getScriptList = function()
  local names = {}
  for _, entry in ipairs(natives.scripts()) do names[#names + 1] = entry.name end
  return names
end
tw_script.getStatus = function(name)
  for _, entry in ipairs(natives.scripts()) do
    if entry.name == name then return entry.status end
  end
  return nil, "no script named '" .. tostring(name) .. "'"
end
ps_script = tw_script
-- One state runs on one thread, so the script's mutex has nothing to exclude.
tw_mutex = { lock = function() return true end, unlock = function() return true end }
ps_mutex = tw_mutex
tw_service = { start = function() return false end, stop = function() return false end, waitForState = function() return false end }

-- Data shapes and infotables --------------------------------------------------------------------------
local ShapeMeta = {}
ShapeMeta.__index = ShapeMeta
local function newShape(name)
  return setmetatable({ name = name, fields = {} }, ShapeMeta)
end
function ShapeMeta:addField(field, baseType, description, aspects)
  if type(field) ~= "table" then
    field = { name = field, baseType = baseType, description = description, aspects = aspects }
  end
  if type(field.name) ~= "string" then error("data shape field needs a name", 2) end
  local bt = field.baseType or field.basetype
  if type(bt) ~= "string" or not KNOWN[bt:upper()] then
    error(("data shape field %s has an unknown baseType %s"):format(field.name, tostring(bt)), 2)
  end
  local copy = fullCopy(field)
  copy.basetype = nil
  copy.baseType = bt:upper()
  copy.ordinal = copy.ordinal or #self.fields
  self.fields[#self.fields + 1] = copy
  return self
end
function ShapeMeta:clone()
  local copy = newShape(self.name)
  for i, f in ipairs(self.fields) do copy.fields[i] = fullCopy(f) end
  return copy
end
function ShapeMeta:toTable()
  local defs = {}
  for _, f in ipairs(self.fields) do
    defs[f.name] = { name = f.name, baseType = f.baseType, description = f.description or "", ordinal = f.ordinal,
      aspects = f.aspects or {} }
  end
  return { name = self.name, fieldDefinitions = defs }
end
function ShapeMeta:field(name)
  for _, f in ipairs(self.fields) do if f.name == name then return f end end
end

tw_datashape = {
  createDataShape = function(name, baseType, description, aspects)
    local shape = newShape(type(name) == "string" and name or nil)
    if type(name) == "table" then
      for _, f in ipairs(name) do shape:addField(f) end
    elseif baseType ~= nil then
      shape:addField(name, baseType, description, aspects)
    end
    return shape
  end,
}

local TableMeta = {}
TableMeta.__index = TableMeta
function TableMeta:addRow(row)
  if type(row) ~= "table" then return false, "row must be a table" end
  local converted = {}
  for key, value in pairs(row) do
    local field = self.shape:field(key)
    if field == nil then return false, ("field %s is not in the data shape"):format(tostring(key)) end
    local v, err = coerce(field.baseType, value)
    if v == nil and value ~= nil then return false, ("field %s: %s"):format(key, err) end
    converted[key] = v
  end
  self.rows[#self.rows + 1] = converted
  return true
end
function TableMeta:toTable()
  return { dataShape = { fieldDefinitions = self.shape:toTable().fieldDefinitions }, rows = fullCopy(self.rows) }
end
tw_infotable = {
  createInfoTable = function(shape)
    if getmetatable(shape) ~= ShapeMeta then shape = tw_datashape.createDataShape(shape or {}) end
    return setmetatable({ shape = shape, rows = {} }, TableMeta)
  end,
}

-- Templates ---------------------------------------------------------------------------------------------
local builtinHandlers = {}
builtinHandlers.inmemory = {
  read = function(me, pt)
    if pt.next then
      pt.value, pt.time, pt.quality = pt.next.value, pt.next.time, pt.next.quality
      pt.next = nil
    end
    return 200
  end,
  write = function(me, pt, headers, query, data)
    pt.next = { value = data.value, time = data.time or tw_utils.currentTime(), quality = data.quality or "GOOD" }
    return 200
  end,
}
local angle = {}
builtinHandlers.generator = {
  read = function(me, pt)
    local min, max = tonumber(pt.minValue) or 0, tonumber(pt.maxValue) or 100
    local step = tonumber(pt.step) or 1
    local f = (pt.functionType or "ramp"):lower()
    local v = tonumber(pt.value) or min
    if f == "ramp" then
      v = v + step
      if v > max then v = min end
    elseif f == "random" then
      v = min + math.random() * (max - min)
    elseif f == "sin" or f == "cos" then
      angle[pt] = (angle[pt] or 0) + step
      local r = math.rad(angle[pt])
      v = (f == "sin" and math.sin(r) or math.cos(r)) * max
    elseif f == "square" then
      v = (v == max) and min or max
    elseif f == "user" then
      if pt.next then v = pt.next.value; pt.next = nil end
    end
    if pt.baseType == "INTEGER" then v = math.tointeger(math.floor(v)) end
    pt.value, pt.time = v, tw_utils.currentTime()
    pt.quality = "GOOD"
    if tonumber(pt.qualityPercent) and math.random(100) <= tonumber(pt.qualityPercent) then
      pt.quality = pt.errorQualityStatus or "BAD"
    end
    return 200
  end,
  write = builtinHandlers.inmemory.write,
}
for _, name in ipairs({ "script", "http", "https" }) do
  builtinHandlers[name] = {
    read = function() return 503, "handler '" .. name .. "' needs the script resource's HTTP side, which is not running" end,
    write = function() return 503, "handler '" .. name .. "' needs the script resource's HTTP side, which is not running" end,
  }
end
for name, h in pairs(builtinHandlers) do package.preload["handlers." .. name] = function() return h end end

local function handlerFor(pt)
  local name = pt.handler or "inmemory"
  if builtinHandlers[name] then return builtinHandlers[name] end
  local ok, h = pcall(require, "handlers." .. name)
  if ok and type(h) == "table" then return h end
  error(("property %s: handler '%s' not found (%s)"):format(pt.name, name, tostring(h)), 0)
end

thingworx.handler = { extend = function(m) package.seeall(m) end }
package.loaded["thingworx.handler"] = thingworx.handler

local TemplateMethods = {}

-- me:setProperty(name, headers, query, data): writes through the handler; 200 or code, message.
function TemplateMethods:setProperty(name, headers, query, data)
  local pt = self.properties[name]
  if type(pt) ~= "table" then return 404, ("Property '%s' not found"):format(tostring(name)) end
  if type(data) ~= "table" or data.value == nil then
    return 400, ("Request to set property %s did not contain valid data"):format(name)
  end
  local value, err = coerce(pt.baseType, data.value)
  if value == nil then return 400, ("Request to set property %s did not contain valid data: %s"):format(name, err) end
  local copy = {}
  for k, v in pairs(data) do copy[k] = v end
  copy.value = value
  local code, message = handlerFor(pt).write(self, pt, headers or {}, query or {}, copy, pt.script)
  if code == nil or code == 200 then return 200 end
  return code, message
end

-- me:getProperty(name, headers, query): reads through the handler; 200, {value, time, quality}.
function TemplateMethods:getProperty(name, headers, query)
  local pt = self.properties[name]
  if type(pt) ~= "table" then return 404, ("Property '%s' not found"):format(tostring(name)) end
  local code, message = handlerFor(pt).read(self, pt, headers or {}, query or {}, pt.script)
  if code ~= nil and code ~= 200 then return code, message end
  return 200, { value = pt.value, time = pt.time, quality = pt.quality }
end

function TemplateMethods:setProperties(list)
  for name, data in pairs(list or {}) do
    local code, message = self:setProperty(name, nil, nil, type(data) == "table" and data or { value = data })
    if code ~= 200 then return code, message end
  end
  return 200
end

thingworx.template = {}
thingworx.template.extend = function(m)
  local p_data = framework.p_data or {}
  m.me, m.p_data = m, p_data
  m.name = p_data.name
  m.identifier = p_data.identifier and ("*" .. tostring(p_data.identifier)) or nil
  m.properties, m.services, m.tasks = {}, {}, {}
  m.__serviceDefinitions, m.__shapes = {}, {}
  m.DataShape = DataShape
  m.dataShapes = setmetatable({}, { __index = function(_, shapeName)
    return function(...)
      local shape = newShape(shapeName)
      for i = 1, select("#", ...) do shape:addField((select(i, ...))) end
      DataShape[shapeName] = shape
      return shape
    end
  end })
  m.input = function(t) t = fullCopy(t); t.__part = "input"; return t end
  m.output = function(t) t = fullCopy(t); t.__part = "output"; return t end
  m.description = function(t) return { __part = "description", text = type(t) == "table" and t[1] or t } end
  m.private = function(t) return { __part = "private", value = type(t) == "table" and t[1] ~= false or t ~= false } end
  m.serviceDefinitions = setmetatable({}, { __index = function(_, serviceName)
    return function(...)
      local def = { name = serviceName, inputs = {}, output = { name = "result", baseType = "NOTHING" }, description = "", private = false }
      local outputs = 0
      for i = 1, select("#", ...) do
        local part = select(i, ...)
        if type(part) ~= "table" then error(("service definition %s: argument %d is not input{}, output{}, description{} or private{}"):format(serviceName, i), 2) end
        if part.__part == "input" then
          part.__part = nil
          part.baseType = (part.baseType or part.basetype or "STRING"):upper()
          part.basetype = nil
          def.inputs[#def.inputs + 1] = part
        elseif part.__part == "output" then
          outputs = outputs + 1
          if outputs > 1 then error(("service definition %s has more than one output"):format(serviceName), 2) end
          part.__part = nil
          part.name = "result"
          part.baseType = (part.baseType or part.basetype or "NOTHING"):upper()
          part.basetype = nil
          def.output = part
        elseif part.__part == "description" then
          def.description = tostring(part.text or "")
        elseif part.__part == "private" then
          def.private = part.value
        end
      end
      m.__serviceDefinitions[serviceName] = def
      return def
    end
  end })
  for k, v in pairs(TemplateMethods) do m[k] = v end
  package.seeall(m)
end
package.loaded["thingworx.template"] = thingworx.template
DataShape = {}

-- The framework's module names, so `require "json"`, `require "thingworx.utils"` and the built-in shapes
-- resolve as in the original's etc/thingworx/lua tree.
for name, value in pairs({
  template = thingworx.template, handler = thingworx.handler, json = json, utils = tw_utils, server = server,
  stringx = stringx, tablex = tablex, page = page, ["thingworx.server"] = server, ["thingworx.utils"] = tw_utils,
  ["thingworx.json"] = json, ["types.datashape"] = tw_datashape,
  ["thingworx.shapes.metadata"] = {}, ["thingworx.shapes.propsubscribe"] = {},
}) do
  package.loaded[name] = value
end

-- The thing (one per state) ---------------------------------------------------------------------------------
local thing

local function sortedNames(t)
  local names = {}
  for k in pairs(t) do if type(k) == "string" then names[#names + 1] = k end end
  table.sort(names)
  return names
end

local function fail(message) error(message, 0) end

-- Loads templates.<name>, normalises and checks every definition (the checks the original makes at start).
function framework.loadThing(templateName, p_data)
  framework.p_data = p_data
  local m = require("templates." .. templateName)
  if type(m) ~= "table" or m.properties == nil then
    fail(("template '%s' did not call module(\"templates.%s\", thingworx.template.extend)"):format(templateName, templateName))
  end
  local now = tw_utils.currentTime()
  local scanRate = tonumber(p_data.scanRate or p_data.updateRate) or 60000
  local resolution = tonumber(p_data.scanRateResolution) or 500
  local taskRate = tonumber(p_data.taskRate) or 15000
  if scanRate <= resolution then
    fail(("Global scanRate must be greater than scanRateResolution. Current values: scanRate = %d, scanRateResolution = %d"):format(scanRate, resolution))
  end
  if taskRate <= resolution then
    fail(("Global taskRate must be greater than scanRateResolution. Current values: taskRate = %d, scanRateResolution = %d"):format(taskRate, resolution))
  end
  for _, name in ipairs(sortedNames(m.properties)) do
    local pt = m.properties[name]
    if type(pt) ~= "table" then fail(("property %s must be a table"):format(name)) end
    pt.name = name
    local bt = pt.baseType or pt.basetype
    if type(bt) ~= "string" or not KNOWN[bt:upper()] then
      fail(("Property %s has an unknown baseType %s; use one of NUMBER, INTEGER, STRING, BOOLEAN, DATETIME, LOCATION, INFOTABLE, JSON, …"):format(name, tostring(bt)))
    end
    pt.baseType, pt.basetype = bt:upper(), nil
    local push = tostring(pt.pushType or pt.dataChangeType or p_data.defaultPushType or "VALUE"):upper()
    pt.dataChangeType = tostring(pt.dataChangeType or "VALUE"):upper()
    if push == "ON" then push = "VALUE" end
    pt.pushType = push
    pt.pushThreshold = tonumber(pt.pushThreshold or pt.threshold) or 0
    pt.dataChangeThreshold = tonumber(pt.dataChangeThreshold) or 0
    pt.cacheTime = tonumber(pt.cacheTime) or (push == "NEVER" and -1 or 0)
    pt.description = pt.description or ""
    pt.private = pt.private == true
    if pt.baseType == "INFOTABLE" and pt.dataShape == nil then
      fail(("Property %s is an INFOTABLE but names no dataShape"):format(name))
    end
    local explicitHandler = pt.handler ~= nil
    pt.handler = pt.handler or "inmemory"
    if pt.value == nil then
      pt.value = defaultValue(pt.baseType, pt.dataShape)
    else
      local v, err = coerce(pt.baseType, pt.value)
      if v == nil then fail(("Property %s: initial value: %s"):format(name, err)) end
      pt.value = v
    end
    pt.default = pt.value
    pt.time = tonumber(pt.time) or now
    pt.quality = pt.quality or (explicitHandler and "UNKNOWN" or "GOOD")
    pt.scanRate = tonumber(pt.scanRate) or scanRate
    if pt.scanRate <= resolution then
      fail(("Property %s scanRate of %d is less than global scanRateResolution of %d"):format(name, pt.scanRate, resolution))
    end
    pt.nextScan = 0
  end
  for _, name in ipairs(sortedNames(m.__serviceDefinitions)) do
    local def = m.__serviceDefinitions[name]
    for _, input in ipairs(def.inputs) do
      if not KNOWN[input.baseType] then fail(("The service definition %s has an input %s of unknown type %s"):format(name, tostring(input.name), input.baseType)) end
      if input.baseType == "INFOTABLE" and not (input.aspects and input.aspects.dataShape) then
        fail(("The service definition %s has an input type of INFOTABLE, but no data shape specified"):format(name))
      end
    end
    if not KNOWN[def.output.baseType] then fail(("The service definition %s has an output of unknown type %s"):format(name, def.output.baseType)) end
    if def.output.baseType == "INFOTABLE" and not (def.output.aspects and def.output.aspects.dataShape) then
      fail(("The service definition %s has an output type of INFOTABLE, but no data shape specified"):format(name))
    end
  end
  -- Built-in shape "metadata": the private GetMetadata service (the Swift side answers it).
  if m.__serviceDefinitions.GetMetadata == nil then
    m.__serviceDefinitions.GetMetadata = { name = "GetMetadata", inputs = {}, output = { name = "result", baseType = "JSON" }, description = "The thing's metadata", private = true }
  end
  thing = m
  return framework.describe()
end

-- Definitions for the Swift side (properties, services, tasks) with values as they are now.
function framework.describe()
  local properties = {}
  for _, name in ipairs(sortedNames(thing.properties)) do
    local pt = thing.properties[name]
    properties[#properties + 1] = {
      name = name, baseType = pt.baseType, description = pt.description, pushType = pt.pushType,
      pushThreshold = pt.pushThreshold, dataChangeType = pt.dataChangeType, dataChangeThreshold = pt.dataChangeThreshold,
      cacheTime = pt.cacheTime, scanRate = pt.scanRate, handler = pt.handler, dataShape = pt.dataShape,
      private = pt.private, default = pt.default,
    }
  end
  local services = {}
  local names = {}
  for name in pairs(thing.__serviceDefinitions) do names[name] = true end
  for name, fn in pairs(thing.services) do if type(fn) == "function" then names[name] = true end end
  for _, name in ipairs(sortedNames(names)) do
    local def = thing.__serviceDefinitions[name] or { inputs = {}, output = { name = "result", baseType = "NOTHING" }, description = "" }
    services[#services + 1] = { name = name, inputs = def.inputs, output = def.output, description = def.description,
      private = def.private == true, implemented = type(thing.services[name]) == "function" }
  end
  local tasks = {}
  for _, name in ipairs(sortedNames(thing.tasks)) do
    if type(thing.tasks[name]) == "function" then tasks[#tasks + 1] = name end
  end
  local shapes = {}
  for _, name in ipairs(sortedNames(DataShape)) do
    shapes[#shapes + 1] = DataShape[name]:toTable()
  end
  return { properties = properties, services = services, tasks = tasks, dataShapes = shapes }
end

function framework.read(name)
  local code, result = thing:getProperty(name)
  if code ~= 200 then return code, result end
  return 200, result.value, result.time, result.quality
end

-- A write from outside (the platform): VALUE properties are pushed at the next scan even if unchanged.
function framework.write(name, value, quality)
  local code, message = thing:setProperty(name, nil, nil, { value = value, quality = quality })
  if code == 200 then thing.properties[name].forcePush = true end
  return code, message
end

function framework.invoke(name, headers, query, data)
  local fn = thing.services[name]
  if type(fn) ~= "function" then return 404, ("Service '%s' not found"):format(tostring(name)) end
  local def = thing.__serviceDefinitions[name]
  data = data or {}
  if def then
    for _, input in ipairs(def.inputs) do
      if data[input.name] == nil and input.default ~= nil then data[input.name] = input.default end
    end
  end
  local code, content, responseHeaders = fn(thing, headers or {}, query or {}, data)
  if type(content) == "table" and type(content.toTable) == "function" then content = content:toTable() end
  return code, content, responseHeaders
end

-- The platform's GetPropertySubscriptions rows ({edgeName, pushType, pushThreshold}) replace the template's
-- push settings: listed properties take the platform's, VALUE ones are pushed at the next scan; every other
-- property becomes NEVER (ems-lsr.md §4.5). Returns how many properties were updated.
function framework.applySubscriptions(rows)
  local listed, updated = {}, 0
  for _, row in ipairs(rows or {}) do
    local pt = thing.properties[row.edgeName]
    if type(pt) == "table" then
      local push = tostring(row.pushType or "VALUE"):upper()
      if push == "ON" or push == "OFF" then push = "VALUE" end
      pt.pushType = push
      pt.pushThreshold = tonumber(row.pushThreshold) or 0
      if push == "VALUE" then pt.forcePush = true end
      listed[row.edgeName] = true
      updated = updated + 1
    else
      log.warn(thing.name or "thing", "Property %s was not found in local property map", tostring(row.edgeName))
    end
  end
  for name, pt in pairs(thing.properties) do
    if not listed[name] then pt.pushType = "NEVER" end
  end
  return updated
end

function framework.runTask(name)
  local fn = thing.tasks[name]
  if type(fn) ~= "function" then fail(("Task '%s' not found"):format(tostring(name))) end
  fn(thing)
end

-- One scan at `now` (ms): reads every due ALWAYS/VALUE/DEADBAND property and returns those to push.
function framework.scan(now, force)
  local updates = {}
  for _, name in ipairs(sortedNames(thing.properties)) do
    local pt = thing.properties[name]
    local push = pt.pushType
    if push ~= "NEVER" and push ~= "OFF" and (force or now >= pt.nextScan) then
      pt.nextScan = now + pt.scanRate
      if force then pt.forcePush = true end
      local old = pt.value
      local code, message = handlerFor(pt).read(thing, pt, {}, {}, pt.script)
      if code == nil or code == 200 then
        if tw_utils.evaluateChange(pt, old) then
          updates[#updates + 1] = { name = name, value = pt.value, time = pt.time, quality = pt.quality, baseType = pt.baseType }
          pt.lastPushed = pt.value
        end
        pt.forcePush = false
      else
        log.warn(thing.name or "thing", "Error getting property %s from sensor. msg: %s", name, tostring(message))
      end
    end
  end
  if type(thing.tasks.EvaluateRules) == "function" then thing.tasks.EvaluateRules(thing, updates) end
  return updates
end
"""#
}
