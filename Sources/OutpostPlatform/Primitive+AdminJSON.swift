import Foundation
public import OutpostWire

extension Primitive {
    /// The value as plain JSON for the admin API: numbers, strings and booleans as themselves,
    /// DATETIME as milliseconds, VARIANT unwrapped, INFOTABLE as `{rows, dataShape}`, blobs as base64.
    public var adminJSON: JSONValue {
        switch self {
        case .nothing: return .null
        case .text(_, let text): return .string(text)
        case .number(let value): return .number(value)
        case .boolean(let value): return .bool(value)
        case .datetime(let ms): return .integer(ms)
        case .integer(let value): return .integer(Int64(value))
        case .variant(let inner): return inner.adminJSON
        case .infoTable(let table): return table.adminJSON
        case .location(let location):
            return .object([
                "longitude": .number(location.longitude), "latitude": .number(location.latitude),
                "elevation": .number(location.elevation),
            ])
        case .bytes(_, let bytes): return .string(Data(bytes).base64EncodedString())
        }
    }

    /// The base type name to report beside ``adminJSON`` (VARIANT reports its content's type).
    public var adminBaseType: String {
        if case .variant(let inner) = self { return inner.adminBaseType }
        return baseType.name
    }

    /// A value from admin JSON: booleans, numbers (NUMBER), strings (STRING), null (NOTHING); objects
    /// and arrays travel as JSON text. With `baseType`, the JSON is read as that type where it can be.
    public init(adminJSON json: JSONValue, baseType: String? = nil) {
        switch (baseType?.uppercased(), json) {
        case ("INTEGER", .integer(let value)): self = .integer(Int32(clamping: value))
        case ("DATETIME", .integer(let value)): self = .datetime(value)
        case ("BOOLEAN", .bool(let value)), (nil, .bool(let value)), ("VARIANT", .bool(let value)): self = .boolean(value)
        case (_, .null): self = .nothing
        case (_, .integer(let value)) where baseType == nil || baseType?.uppercased() == "NUMBER": self = .number(Double(value))
        case (_, .number(let value)) where baseType == nil || baseType?.uppercased() == "NUMBER": self = .number(value)
        case (let name?, .string(let text)):
            if let type = BaseType(name: name), type.isTextual { self = .text(type, text) } else { self = .string(text) }
        case (_, .string(let text)): self = .string(text)
        case (_, .integer(let value)): self = .number(Double(value))
        case (_, .number(let value)): self = .number(value)
        case (_, .bool(let value)): self = .boolean(value)
        default: self = .json(json.serialized())
        }
    }
}

extension InfoTable {
    /// `{"rows": [{field: value}], "dataShape": {"fieldDefinitions": {field: {name, baseType}}}}`.
    public var adminJSON: JSONValue {
        var rowsJSON: [JSONValue] = []
        for row in rows {
            var object = JSONObject()
            for (index, field) in dataShape.fields.enumerated() where index < row.count {
                object.append(field.name, row[index].adminJSON)
            }
            rowsJSON.append(.object(object))
        }
        var definitions = JSONObject()
        for field in dataShape.fields {
            definitions.append(field.name, .object(["name": .string(field.name), "baseType": .string(field.baseType.name)]))
        }
        return .object(["rows": .array(rowsJSON), "dataShape": .object(["fieldDefinitions": .object(definitions)])])
    }

    /// One row of parameters from a flat JSON object, types inferred per value.
    public init(adminParameters object: JSONObject) {
        var fields: [FieldDefinition] = []
        var row: [Primitive] = []
        for member in object {
            let value = Primitive(adminJSON: member.value)
            fields.append(FieldDefinition(name: member.key, baseType: value.baseType))
            row.append(value)
        }
        self.init(fields: fields, rows: fields.isEmpty ? [] : [row])
    }
}
