-- A simulated environmental sensor: typed properties, a service with inputs, a task.
module("templates.sensor", thingworx.template.extend)

local state = { temperature = 21.0, humidity = 45.0, drift = 0.25, samples = 0 }

properties.Temperature = { baseType = "NUMBER",   pushType = "VALUE", pushThreshold = 0.1, value = 21.0 }
properties.Humidity    = { baseType = "NUMBER",   pushType = "VALUE", pushThreshold = 1.0, value = 45.0 }
properties.Samples     = { baseType = "INTEGER",  pushType = "ALWAYS", value = 0 }
properties.Location    = { baseType = "STRING",   pushType = "NEVER", value = p_data.location or "unknown" }
properties.Alarm       = { baseType = "BOOLEAN",  pushType = "VALUE", value = false }

serviceDefinitions.Calibrate(
  input  { name = "offset", baseType = "NUMBER", description = "degrees added to every reading" },
  input  { name = "reason", baseType = "STRING", description = "why the sensor was calibrated" },
  output { baseType = "STRING", description = "the new reading and the reason" },
  description { "Shift the temperature reading by an offset" }
)

services.Calibrate = function(me, headers, query, data)
  local offset = tonumber(data.offset)
  if offset == nil then return 400, "offset must be a number" end
  state.temperature = state.temperature + offset
  me:setProperty("Temperature", nil, nil, { value = state.temperature })
  return 200, ("temperature %.2f after calibration (%s)"):format(state.temperature, data.reason or "no reason")
end

tasks.Simulate = function(me)
  state.samples = state.samples + 1
  state.temperature = state.temperature + state.drift * math.sin(state.samples / 5)
  state.humidity = math.max(0, math.min(100, state.humidity + (math.random() - 0.5)))
  me:setProperty("Temperature", nil, nil, { value = state.temperature })
  me:setProperty("Humidity", nil, nil, { value = state.humidity })
  me:setProperty("Samples", nil, nil, { value = state.samples })
  me:setProperty("Alarm", nil, nil, { value = state.temperature > 30 })
end
