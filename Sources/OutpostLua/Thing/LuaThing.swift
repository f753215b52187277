public import OutpostWire

/// One edge thing built from a template (`scripts/templates/<name>.lua`), in its own Lua state on its own
/// thread, as the original runs each thing script in its own state and thread.
///
/// Definitions are read once at load; values live in Lua and are read and written through the property
/// handlers, so template code (`me:setProperty` in a task) and Swift callers see the same values.
public final class LuaThing: Sendable {
    public let name: String
    public let template: String
    public let properties: [LuaPropertyDefinition]
    public let services: [LuaServiceDefinition]
    public let tasks: [String]
    /// Shapes declared with `dataShapes.<Name>(…)`, as `{name, fieldDefinitions}` tables.
    public let dataShapes: [LuaValue]
    /// The `p_data` table the template saw.
    public let pData: LuaTable
    let runtime: LuaRuntime

    /// Loads `templates.<template>` in a new state with `pData` (the thing's config entry plus the scalar
    /// globals, `name` and `run`), applies the defaults and start-up checks, and reads the definitions.
    public static func load(
        name: String,
        template: String,
        pData: LuaTable,
        options: LuaRuntime.Options
    ) async throws(LuaThingError) -> LuaThing {
        var data = pData
        data["name"] = .string(name)
        if data["run"] == .nil { data["run"] = .boolean(true) }
        data["template"] = .string(template)
        let runtime: LuaRuntime
        do {
            runtime = try await LuaRuntime(name: name, options: options)
        } catch {
            throw LuaThingError(error)
        }
        let description: LuaValue
        do {
            description = try await runtime.call("thingworx.framework.loadThing", [.string(template), .table(data)]).first ?? .nil
        } catch {
            runtime.shutdown()
            throw LuaThingError(status: 500, message: "thing \(name): template \(template) could not be loaded: \(error.message)", luaError: error)
        }
        do {
            let parsed = try LuaThingDescription(description)
            return LuaThing(name: name, template: template, description: parsed, pData: data, runtime: runtime)
        } catch {
            runtime.shutdown()
            throw LuaThingError(status: 500, message: "thing \(name): \(error.message)", luaError: error)
        }
    }

    private init(name: String, template: String, description: LuaThingDescription, pData: LuaTable, runtime: LuaRuntime) {
        self.name = name
        self.template = template
        self.properties = description.properties
        self.services = description.services
        self.tasks = description.tasks
        self.dataShapes = description.dataShapes
        self.pData = pData
        self.runtime = runtime
    }

    /// Wakes a `tw_utils.psleep` in progress and makes later ones return at once (shutdown).
    public func interruptSleeps() {
        runtime.interruptSleeps()
    }

    /// Stops the thing's thread and closes its state.
    public func shutdown() {
        runtime.shutdown()
    }

    public func property(_ name: String) -> LuaPropertyDefinition? {
        properties.first { $0.name == name }
    }

    public func service(_ name: String) -> LuaServiceDefinition? {
        services.first { $0.name == name }
    }

    /// The name the platform knows the thing by: `*<identifier>` if configured, else its name.
    public var registeredName: String {
        if let identifier = pData["identifier"].stringValue ?? pData["identifier"].integerValue.map({ String($0) }) {
            return "*" + identifier
        }
        return name
    }

    /// Raw access to the thing's state, for the script resource's own plumbing.
    public func withState<T: Sendable>(_ body: @escaping @Sendable (LuaState) throws(LuaError) -> T) async throws(LuaError) -> T {
        try await runtime.withState(body)
    }

    // MARK: Properties

    /// Reads a property through its handler (`me:getProperty`).
    public func read(_ property: String) async throws(LuaThingError) -> LuaPropertyValue {
        guard let definition = self.property(property) else {
            throw LuaThingError(status: 404, message: "Property '\(property)' not found")
        }
        let results = try await call("thingworx.framework.read", [.string(property)])
        let code = results.first?.integerValue ?? 500
        guard code == 200 else {
            throw LuaThingError(status: Int(code), message: results.dropFirst().first?.stringValue ?? "property read failed")
        }
        return LuaPropertyValue(
            name: property, baseType: definition.baseType,
            value: results.count > 1 ? results[1] : .nil,
            time: results.count > 2 ? results[2].integerValue ?? 0 : 0,
            quality: results.count > 3 ? results[3].stringValue ?? "GOOD" : "GOOD")
    }

    /// Writes a JSON value to a property through its handler, after checking it against the property's
    /// base type (400 when it does not fit). VALUE properties are pushed at the next scan.
    public func write(_ property: String, _ value: JSONValue, quality: String? = nil) async throws(LuaThingError) {
        guard let definition = self.property(property) else {
            throw LuaThingError(status: 404, message: "Property '\(property)' not found")
        }
        let primitive: Primitive
        do {
            primitive = try Primitive(emsJSON: value, as: definition.baseType)
        } catch {
            throw LuaThingError(status: 400, message: "Request to set property \(property) did not contain valid data: \(error)")
        }
        try await write(property, primitive, quality: quality)
    }

    /// Writes an AlwaysOn primitive to a property (see ``write(_:_:quality:)-(String,JSONValue,_)``).
    public func write(_ property: String, _ value: Primitive, quality: String? = nil) async throws(LuaThingError) {
        guard self.property(property) != nil else {
            throw LuaThingError(status: 404, message: "Property '\(property)' not found")
        }
        if case .nothing = value {
            throw LuaThingError(status: 400, message: "Request to set property \(property) did not contain valid data")
        }
        let unwrapped: Primitive = if case .variant(let inner) = value { inner } else { value }
        let luaValue = LuaValue(json: unwrapped.emsJSON())
        let results = try await call("thingworx.framework.write", [.string(property), luaValue, quality.map { .string($0) } ?? .nil])
        let code = results.first?.integerValue ?? 500
        guard code == 200 else {
            throw LuaThingError(status: Int(code), message: results.dropFirst().first?.stringValue ?? "property write failed")
        }
    }

    // MARK: Tasks and scan

    /// Runs one task (`tasks.<name>(me)`); its return values are ignored, as in the original.
    public func runTask(_ task: String) async throws(LuaThingError) {
        guard tasks.contains(task) else { throw LuaThingError(status: 404, message: "Task '\(task)' not found") }
        _ = try await call("thingworx.framework.runTask", [.string(task)])
    }

    /// Runs every task once, in name order; a failing task does not stop the others. Returns the failures.
    @discardableResult
    public func runTasks() async -> [String: LuaThingError] {
        var failures: [String: LuaThingError] = [:]
        for task in tasks {
            do throws(LuaThingError) {
                try await runTask(task)
            } catch {
                failures[task] = error
            }
        }
        return failures
    }

    /// One main-loop scan at `now` (Unix ms): reads each due ALWAYS/VALUE/DEADBAND property through its
    /// handler and returns those the push rules select. `force` reads every such property and pushes
    /// every VALUE one (what the original does after (re-)registration).
    public func scan(at now: Int64, force: Bool = false) async throws(LuaThingError) -> [LuaPropertyValue] {
        let results = try await call("thingworx.framework.scan", [.integer(now), .boolean(force)])
        guard case .table(let list) = results.first ?? .nil else { return [] }
        return list.array.compactMap { item in
            guard let name = item["name"].stringValue else { return nil }
            let baseType = BaseType(templateName: item["baseType"].stringValue ?? "") ?? .variant
            return LuaPropertyValue(name: name, baseType: baseType, value: item["value"],
                                    time: item["time"].integerValue ?? now, quality: item["quality"].stringValue ?? "GOOD")
        }
    }

    func call(_ function: String, _ arguments: [LuaValue]) async throws(LuaThingError) -> [LuaValue] {
        do {
            return try await runtime.call(function, arguments)
        } catch {
            throw LuaThingError(error)
        }
    }
}
