-- Lua script resource configuration (EMS 5.4 LSR style): every setting is scripts.<key> = value.
scripts.log_level = "INFO"

-- How the script resource reaches the EMS (the "rap").
scripts.rap_host, scripts.rap_port = "127.0.0.1", 8000
scripts.rap_ssl, scripts.rap_validate, scripts.rap_deny_selfsigned = true, true, true
scripts.rap_cert_file = ".outpost/pki/ca.pem"
scripts.rap_server_authenticate = true
scripts.rap_userid, scripts.rap_password = "emsuser", "outpost-demo-password"

-- The script resource's own callback listener, which the EMS calls for platform requests.
scripts.script_resource_host, scripts.script_resource_port = "127.0.0.1", 8001
scripts.script_resource_ssl = true
scripts.script_resource_certificate_chain = ".outpost/pki/lsr-server.pem"
scripts.script_resource_private_key = ".outpost/pki/lsr-server.key.p8"
scripts.script_resource_passphrase = "outpost-demo-passphrase"
scripts.script_resource_authenticate = true
scripts.script_resource_userid, scripts.script_resource_password = "luauser", "outpost-demo-lua-password"

-- One simulated sensor built from scripts/templates/sensor.lua.
scripts.Sensor01 = { file = "thing.lua", template = "sensor", scanRate = 2000, taskRate = 1000,
                     scanRateResolution = 250, location = "Line 1" }
