import Foundation
import OutpostLua
import OutpostWire
import Testing

/// Templates: the repository's sensor, an original-style (Lua 5.1) template, push rules and start checks.
@Suite struct LuaThingTests {
    static func options(_ directory: String = LuaTestSupport.scriptsDirectory, limits: LuaLimits = .default) -> LuaRuntime.Options {
        .init(limits: limits, scriptsDirectory: directory, logger: LuaTestSupport.logger)
    }

    static func sensor() async throws -> LuaThing {
        try await LuaThing.load(name: "Sensor01", template: "sensor",
                                pData: LuaTable(fields: ["scanRate": 2000, "taskRate": 1000, "scanRateResolution": 250, "location": "Line 1"]),
                                options: options())
    }

    /// Writes templates into a fresh scripts directory.
    static func scripts(_ templates: [String: String]) throws -> String {
        let directory = try LuaTestSupport.temporaryDirectory()
        for (name, source) in templates {
            try LuaTestSupport.write(source, to: "\(directory)/templates/\(name).lua")
        }
        return directory
    }

    @Test func sensorTemplate_loadsWithItsDefinitions() async throws {
        let thing = try await Self.sensor()
        defer { thing.shutdown() }
        #expect(thing.properties.map(\.name) == ["Alarm", "Humidity", "Location", "Samples", "Temperature"])
        let temperature = try #require(thing.property("Temperature"))
        #expect(temperature.baseType == .number)
        #expect(temperature.pushType == "VALUE")
        #expect(temperature.pushThreshold == 0.1)
        #expect(temperature.scanRate == 2000)
        #expect(thing.property("Location")?.pushType == "NEVER")
        #expect(thing.property("Samples")?.baseType == .integer)
        let calibrate = try #require(thing.service("Calibrate"))
        #expect(calibrate.inputs.map(\.name) == ["offset", "reason"])
        #expect(calibrate.inputs.map(\.baseType) == [.number, .string])
        #expect(calibrate.output.baseType == .string)
        #expect(calibrate.isImplemented)
        #expect(thing.tasks == ["Simulate"])
        #expect(try await thing.read("Location").value == "Line 1")
    }

    @Test func sensorTask_changesValues() async throws {
        let thing = try await Self.sensor()
        defer { thing.shutdown() }
        #expect(try await thing.read("Samples").value == .integer(0))
        let before = try await thing.read("Temperature").value
        try await thing.runTask("Simulate")
        try await thing.runTask("Simulate")
        #expect(try await thing.read("Samples").value == .integer(2))
        #expect(try await thing.read("Temperature").value != before)
        #expect(await thing.runTasks().isEmpty)
        #expect(try await thing.read("Samples").value == .integer(3))
    }

    @Test func sensorCalibrate_answers200WithTheString_and400WithoutANumber() async throws {
        let thing = try await Self.sensor()
        defer { thing.shutdown() }
        let ok = await thing.invoke("Calibrate", parameters: ["offset": 1.5, "reason": "drift"])
        #expect(ok.code == 200, "\(ok)")
        let result = ok.body?["rows"].flatMap { if case .array(let rows) = $0 { rows.first?["result"] } else { nil } }
        #expect(result == .string("temperature 22.50 after calibration (drift)"))
        #expect(ok.body?["dataShape"]?["fieldDefinitions"]?["result"]?["baseType"] == "STRING")
        #expect(try await thing.read("Temperature").value == .number(22.5))

        let bad = await thing.invoke("Calibrate", parameters: ["reason": "no offset"])
        #expect(bad.code == 400)
        #expect(bad.message == "offset must be a number")

        let typed = await thing.invoke("Calibrate", parameters: InfoTable(
            fields: [FieldDefinition(name: "offset", baseType: .number), FieldDefinition(name: "reason", baseType: .string)],
            rows: [[.number(-0.5), .string("typed")]]))
        #expect(typed.code == 200)

        let missing = await thing.invoke("Nope")
        #expect(missing.code == 404)
        #expect(missing.message == "Service 'Nope' not found")
    }

    @Test func write_checksTheBaseType_andGoesThroughTheHandler() async throws {
        let thing = try await Self.sensor()
        defer { thing.shutdown() }
        try await thing.write("Samples", JSONValue.integer(41))
        #expect(try await thing.read("Samples").value == .integer(41))
        try await thing.write("Alarm", JSONValue.string("true"))
        #expect(try await thing.read("Alarm").value == true)
        await #expect(throws: LuaThingError.self) { try await thing.write("Samples", JSONValue.string("many")) }
        do {
            try await thing.write("Samples", 1.5)
        } catch {
            #expect(error.status == 400)
        }
        do {
            try await thing.write("Pressure", 1)
            Issue.record("expected 404")
        } catch {
            #expect(error.status == 404)
            #expect(error.message == "Property 'Pressure' not found")
        }
    }

    @Test func metadata_describesPublicPropertiesAndServices() async throws {
        let thing = try await Self.sensor()
        defer { thing.shutdown() }
        let metadata = thing.metadata()
        #expect(metadata["name"] == "Sensor01")
        #expect(metadata["type"] == "Things")
        #expect(metadata["propertyDefinitions"]?["Temperature"]?["baseType"] == "NUMBER")
        #expect(metadata["propertyDefinitions"]?["Temperature"]?["aspects"]?["pushType"] == "VALUE")
        #expect(metadata["propertyDefinitions"]?["Location"]?["aspects"]?["cacheTime"] == .integer(-1))
        #expect(metadata["serviceDefinitions"]?["Calibrate"]?["Inputs"]?["fieldDefinitions"]?["offset"]?["baseType"] == "NUMBER")
        #expect(metadata["serviceDefinitions"]?["Calibrate"]?["Outputs"]?["baseType"] == "STRING")
        #expect(metadata["serviceDefinitions"]?["GetMetadata"] == nil)
        let viaService = await thing.invoke("GetMetadata")
        #expect(viaService.code == 200)
    }

    @Test func scan_followsThePushRules() async throws {
        let directory = try Self.scripts(["rules": """
            module("templates.rules", thingworx.template.extend)
            local step = 0
            properties.A = { baseType = "INTEGER", pushType = "ALWAYS", value = 0 }
            properties.V = { baseType = "NUMBER", pushType = "VALUE", pushThreshold = 1.0, value = 0 }
            properties.N = { baseType = "STRING", pushType = "NEVER", value = "x" }
            properties.D = { baseType = "NUMBER", pushType = "DEADBAND", pushThreshold = 1.0, value = 0 }
            properties.S = { baseType = "STRING", value = "s" }
            tasks.Step = function(me)
              step = step + 1
              me:setProperty("V", nil, nil, { value = step * 0.6 })
              me:setProperty("D", nil, nil, { value = step * 0.6 })
              me:setProperty("S", nil, nil, { value = "s" .. step })
              me:setProperty("N", nil, nil, { value = "n" .. step })
            end
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let thing = try await LuaThing.load(name: "R", template: "rules",
                                            pData: LuaTable(fields: ["scanRate": 1000, "scanRateResolution": 100]),
                                            options: Self.options(directory))
        defer { thing.shutdown() }
        #expect(try await thing.scan(at: 0).map(\.name) == ["A", "D"])
        try await thing.runTask("Step")
        #expect(try await thing.scan(at: 1000).map(\.name) == ["A", "S"])
        try await thing.runTask("Step")
        let third = try await thing.scan(at: 2000)
        #expect(third.map(\.name) == ["A", "D", "S"])
        #expect(third.first { $0.name == "S" }?.value == "s2")
        try await thing.write("V", JSONValue.number(1.3))
        #expect(try await thing.scan(at: 3000).map(\.name) == ["A", "V"])
        #expect(try await thing.scan(at: 3500).isEmpty)
        #expect(try await thing.scan(at: 4000, force: true).map(\.name) == ["A", "D", "S", "V"])
        #expect(try await thing.read("N").value == "n2")
    }

    @Test func originalStyleTemplate_withLua51Idioms_runsUnchanged() async throws {
        let directory = try Self.scripts(["legacy": """
            module("templates.legacy", thingworx.template.extend)

            local helpers = {}
            function helpers.sum(...)
              local args = { ... }
              local total = 0
              for i = 1, table.getn(args) do total = total + args[i] end
              return total * scale
            end
            setfenv(helpers.sum, setmetatable({ scale = 1 }, { __index = getfenv(1) }))

            properties.Total = { basetype = "NUMBER", pushType = "ALWAYS", value = 0 }
            properties.Label = { baseType = "STRING", threshold = 0, value = p_data.label or "none" }

            serviceDefinitions.Sum(
              input { name = "a", baseType = "NUMBER" },
              input { name = "b", baseType = "NUMBER", default = 10 },
              output { baseType = "NUMBER" },
              description { "adds two numbers" }
            )

            services.Sum = function(me, headers, query, data)
              local total = helpers.sum(unpack({ tonumber(data.a), tonumber(data.b) }))
              me:setProperty("Total", nil, nil, { value = total })
              return 200, total
            end

            tasks.Relabel = function(me)
              local make = loadstring("return 'task ' .. tostring(math.pow(2, 3))")
              me:setProperty("Label", nil, nil, { value = make() })
            end
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let thing = try await LuaThing.load(name: "Legacy", template: "legacy",
                                            pData: LuaTable(fields: ["label": "old", "scanRateResolution": 100]),
                                            options: Self.options(directory))
        defer { thing.shutdown() }
        #expect(try await thing.read("Label").value == "old")
        let response = await thing.invoke("Sum", parameters: ["a": 5])
        #expect(response.code == 200, "\(response)")
        #expect(response.body?["rows"] == .array([["result": 15]]))
        #expect(try await thing.read("Total").value == .integer(15))
        try await thing.runTask("Relabel")
        #expect(try await thing.read("Label").value == "task 8.0")
    }

    @Test func propertyScanRate_notAboveResolution_failsTheThingAtStart() async throws {
        let directory = try Self.scripts(["fast": """
            module("templates.fast", thingworx.template.extend)
            properties.Quick = { baseType = "NUMBER", scanRate = 100 }
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try await LuaThing.load(name: "F", template: "fast", pData: LuaTable(), options: Self.options(directory))
            Issue.record("expected a start failure")
        } catch {
            #expect(error.message.hasSuffix("Property Quick scanRate of 100 is less than global scanRateResolution of 500"), "\(error.message)")
        }
    }

    @Test func templateErrors_nameFileAndLine_andOtherThingsKeepRunning() async throws {
        let directory = try Self.scripts([
            "broken": "module(\"templates.broken\", thingworx.template.extend)\nproperties.X = { baseType = \"NUMBER\" }\nlocal p = \"temp=(%d+\\.%d+)\"\n",
            "faulty": """
                module("templates.faulty", thingworx.template.extend)
                properties.X = { baseType = "NUMBER", value = 1 }
                tasks.Fail = function(me)
                  local t = nil
                  return t.field
                end
                """,
        ])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        do {
            _ = try await LuaThing.load(name: "B", template: "broken", pData: LuaTable(), options: Self.options(directory))
            Issue.record("expected a syntax error")
        } catch {
            #expect(error.message.contains("templates/broken.lua:3: invalid escape sequence"), "\(error.message)")
        }
        let sensor = try await Self.sensor()
        defer { sensor.shutdown() }
        let faulty = try await LuaThing.load(name: "F", template: "faulty", pData: LuaTable(), options: Self.options(directory))
        defer { faulty.shutdown() }
        do {
            try await faulty.runTask("Fail")
            Issue.record("expected a task error")
        } catch {
            #expect(error.status == 500)
            #expect(error.message.contains("templates/faulty.lua:5: attempt to index a nil value (local 't')"), "\(error.message)")
        }
        #expect(await sensor.invoke("Calibrate", parameters: ["offset": 1]).code == 200)
        #expect(try await faulty.read("X").value == .integer(1))
    }

    @Test func infotableService_andDataShapes() async throws {
        let directory = try Self.scripts(["shaped": """
            module("templates.shaped", thingworx.template.extend)
            dataShapes.Sample({ name = "rpm", baseType = "INTEGER" }, { name = "at", baseType = "DATETIME" })
            properties.Rpm = { baseType = "INTEGER", value = 0 }
            serviceDefinitions.Last(output { baseType = "INFOTABLE", aspects = { dataShape = "Sample" } })
            services.Last = function(me)
              local it = tw_infotable.createInfoTable(DataShape.Sample:clone())
              local ok, err = it:addRow({ rpm = 1200, at = 1000 })
              if not ok then return 500, err end
              local bad, why = it:addRow({ rpm = "fast" })
              assert(not bad and why:find("rpm"))
              return 200, it
            end
            """])
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let thing = try await LuaThing.load(name: "S", template: "shaped", pData: LuaTable(), options: Self.options(directory))
        defer { thing.shutdown() }
        let response = await thing.invoke("Last")
        #expect(response.code == 200, "\(response)")
        let table = try InfoTable(emsJSON: try #require(response.body))
        #expect(table.value("rpm") == .integer(1200))
        #expect(table.value("at") == .datetime(1000))
        #expect(thing.dataShapes.count == 1)
    }
}
