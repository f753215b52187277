public import OutpostWire

extension LuaThing {
    /// The `GetMetadata` description (`ems-lsr.md` §4.7.8): what "Browse"/Manage Bindings shows. Private
    /// properties and services are left out.
    public func metadata() -> JSONValue {
        var propertyDefinitions = JSONObject()
        for property in properties where !property.isPrivate {
            var aspects: JSONObject = [
                "isPersistent": false, "isReadOnly": false,
                "dataChangeType": .string(property.dataChangeType),
                "dataChangeThreshold": Self.number(property.dataChangeThreshold),
                "cacheTime": Self.number(property.cacheTime),
                "pushType": .string(property.pushType),
                "pushThreshold": Self.number(property.pushThreshold),
            ]
            if let value = try? property.defaultValue.json(), value != .null { aspects["defaultValue"] = value }
            if let shape = property.dataShape { aspects["dataShape"] = .string(shape) }
            propertyDefinitions[property.name] = .object([
                "name": .string(property.name), "baseType": .string(property.baseTypeName.uppercased()),
                "description": .string(property.description), "category": "", "sourceType": "ThingShape",
                "ordinal": 0, "tags": .object([:]), "aspects": .object(aspects),
            ])
        }
        var serviceDefinitions = JSONObject()
        for service in services where !service.isPrivate {
            var inputs = JSONObject()
            for (index, input) in service.inputs.enumerated() {
                inputs[input.name] = Self.field(input, ordinal: index)
            }
            let output = Self.field(service.output, ordinal: 0)
            serviceDefinitions[service.name] = .object([
                "name": .string(service.name), "description": .string(service.description),
                "sourceType": "Thing", "category": "", "tags": .object([:]),
                "Inputs": .object(["fieldDefinitions": .object(inputs)]),
                "Outputs": .object([
                    "name": "result", "baseType": .string(service.output.baseTypeName.uppercased()),
                    "fieldDefinitions": service.output.baseType == .nothing ? .object([:]) : .object(["result": output]),
                ]),
            ])
        }
        return .object([
            "isSystemObject": false,
            "name": .string(registeredName),
            "description": .string(pData["description"].stringValue ?? ""),
            "type": "Things",
            "implementedShapes": .array([]),
            "propertyDefinitions": .object(propertyDefinitions),
            "serviceDefinitions": .object(serviceDefinitions),
        ])
    }

    private static func field(_ field: LuaFieldDefinition, ordinal: Int) -> JSONValue {
        var aspects = JSONObject()
        if case .table = field.aspects, case .object(let object)? = try? field.aspects.json() { aspects = object }
        if let value = try? field.defaultValue.json(), value != .null { aspects["defaultValue"] = value }
        return .object([
            "name": .string(field.name), "baseType": .string(field.baseTypeName.uppercased()),
            "description": .string(field.description), "ordinal": .integer(Int64(ordinal)),
            "aspects": .object(aspects),
        ])
    }

    private static func number(_ value: Double) -> JSONValue {
        if value.rounded() == value, let integer = Int64(exactly: value) { return .integer(integer) }
        return .number(value)
    }
}
