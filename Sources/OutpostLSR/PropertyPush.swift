public import OutpostLua
public import OutpostWire

/// The `UpdateSubscribedPropertyValues` parameters the original LSR posts (`ems-lsr.md` §4.5): one row
/// whose `values` InfoTable holds `name`, `value` (VARIANT, so each carries its base type), `time` and
/// `quality` per property.
public enum PropertyPush {
    static let valueFields: [FieldDefinition] = [
        FieldDefinition(name: "name", baseType: .string),
        FieldDefinition(name: "value", baseType: .variant),
        FieldDefinition(name: "time", baseType: .datetime),
        FieldDefinition(name: "quality", baseType: .string),
    ]

    /// The request body; values that do not fit their base type are left out and returned as failures.
    public static func body(_ values: [LuaPropertyValue]) -> (body: JSONValue, skipped: [(String, String)]) {
        var rows: [[Primitive]] = []
        var skipped: [(String, String)] = []
        for value in values {
            do {
                rows.append([.string(value.name), .variant(try value.primitive()), .datetime(value.time), .string(value.quality)])
            } catch {
                skipped.append((value.name, "\(error)"))
            }
        }
        let inner = InfoTable(fields: valueFields, rows: rows)
        let outer = InfoTable(fields: [FieldDefinition(name: "values", baseType: .infoTable)], rows: [[.infoTable(inner)]])
        return (outer.emsJSON(), skipped)
    }
}
