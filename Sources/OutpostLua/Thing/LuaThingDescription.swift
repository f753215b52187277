import OutpostWire

/// The definitions `thingworx.framework.describe()` returns, parsed into Swift values.
struct LuaThingDescription {
    var properties: [LuaPropertyDefinition] = []
    var services: [LuaServiceDefinition] = []
    var tasks: [String] = []
    var dataShapes: [LuaValue] = []

    init(_ value: LuaValue) throws(LuaError) {
        guard case .table(let table) = value else {
            throw LuaError.conversion("the framework did not describe the thing")
        }
        for item in table["properties"].tableValue?.array ?? [] {
            let name = item["name"].stringValue ?? ""
            let typeName = item["baseType"].stringValue ?? ""
            guard let baseType = BaseType(templateName: typeName) else {
                throw LuaError.conversion("property \(name) has an unknown baseType \(typeName)")
            }
            properties.append(LuaPropertyDefinition(
                name: name, baseTypeName: typeName, baseType: baseType,
                description: item["description"].stringValue ?? "",
                pushType: item["pushType"].stringValue ?? "VALUE",
                pushThreshold: item["pushThreshold"].doubleValue ?? 0,
                dataChangeType: item["dataChangeType"].stringValue ?? "VALUE",
                dataChangeThreshold: item["dataChangeThreshold"].doubleValue ?? 0,
                cacheTime: item["cacheTime"].doubleValue ?? 0,
                scanRate: item["scanRate"].integerValue ?? 60_000,
                handler: item["handler"].stringValue ?? "inmemory",
                dataShape: item["dataShape"].stringValue,
                isPrivate: item["private"] == .boolean(true),
                defaultValue: item["default"]))
        }
        for item in table["services"].tableValue?.array ?? [] {
            let name = item["name"].stringValue ?? ""
            var inputs: [LuaFieldDefinition] = []
            for input in item["inputs"].tableValue?.array ?? [] {
                inputs.append(try Self.field(input, service: name))
            }
            services.append(LuaServiceDefinition(
                name: name, description: item["description"].stringValue ?? "",
                inputs: inputs, output: try Self.field(item["output"], service: name),
                isPrivate: item["private"] == .boolean(true),
                isImplemented: item["implemented"] == .boolean(true)))
        }
        tasks = (table["tasks"].tableValue?.array ?? []).compactMap(\.stringValue)
        dataShapes = table["dataShapes"].tableValue?.array ?? []
    }

    private static func field(_ value: LuaValue, service: String) throws(LuaError) -> LuaFieldDefinition {
        let name = value["name"].stringValue ?? "result"
        let typeName = value["baseType"].stringValue ?? "NOTHING"
        guard let baseType = BaseType(templateName: typeName) else {
            throw LuaError.conversion("service \(service): \(name) has an unknown baseType \(typeName)")
        }
        return LuaFieldDefinition(
            name: name, baseTypeName: typeName, baseType: baseType,
            description: value["description"].stringValue ?? "",
            aspects: value["aspects"], defaultValue: value["default"])
    }
}
