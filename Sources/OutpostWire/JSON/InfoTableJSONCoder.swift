/// Converts InfoTables to and from JSON in one of two forms.
///
/// * `.ems` — the EMS REST form: `{"rows":[…],"dataShape":{"fieldDefinitions":{…}}}`, values typed by
///   each field's `baseType`, lenient on input the way the EMS is (numeric strings for NUMBER, `"true"`
///   for BOOLEAN, ISO-8601 text for DATETIME, `datashape` as well as `dataShape`, `ordinal`).
/// * `.exact` — the same shape, but lossless, for `outpost wire`: JSON-typed values stay text, a value
///   whose own type byte differs from its field's is written `{"wireType":"NUMBER","value":…}`, rows
///   whose length differs from the DataShape are arrays, NOTHING is `null`, and non-finite numbers are
///   strings (`"NaN"`, `"Infinity"`, `"-Infinity"`, or `"0x…"` bits for other NaNs).
struct InfoTableJSONCoder {
    enum Mode {
        case ems
        case exact
    }

    let mode: Mode
    let maxDepth: Int

    // MARK: InfoTable → JSON

    func json(_ table: InfoTable) -> JSONValue {
        let fields = table.dataShape.fields
        var definitions = JSONObject()
        for field in fields {
            definitions.append(field.name, fieldJSON(field))
        }
        var object = JSONObject()
        object.append("rows", .array(table.rows.map { rowJSON($0, fields: fields) }))
        object.append("dataShape", .object(["fieldDefinitions": .object(definitions)]))
        return .object(object)
    }

    private func fieldJSON(_ field: FieldDefinition) -> JSONValue {
        var aspects = JSONObject()
        for aspect in field.aspects {
            aspects.append(aspect.name, typedJSON(aspect.value))
        }
        return [
            "name": .string(field.name),
            "description": .string(field.description),
            "baseType": .string(field.baseType.name),
            "aspects": .object(aspects),
        ]
    }

    private func rowJSON(_ row: [Primitive], fields: [FieldDefinition]) -> JSONValue {
        if mode == .exact && row.count != fields.count {
            return .array(
                row.enumerated().map { index, value in
                    valueJSON(value, declared: index < fields.count ? fields[index].baseType : nil)
                }
            )
        }
        var object = JSONObject()
        for (index, field) in fields.enumerated() where index < row.count {
            let value = row[index]
            if mode == .ems, case .nothing = value { continue }
            object.append(field.name, valueJSON(value, declared: field.baseType))
        }
        return .object(object)
    }

    /// A row value under its field's declared type.
    func valueJSON(_ value: Primitive, declared: BaseType?) -> JSONValue {
        if mode == .exact {
            if case .nothing = value { return .null }
            if value.baseType != declared {
                return ["wireType": .string(value.baseType.name), "value": plainJSON(value)]
            }
        }
        return plainJSON(value)
    }

    /// A value whose type the reader cannot know from context (aspects): plain JSON when inference gives
    /// the type back (BOOLEAN, STRING, finite NUMBER, NOTHING), else `{"baseType":…,"value":…}`.
    func typedJSON(_ value: Primitive) -> JSONValue {
        switch value {
        case .nothing: return .null
        case .boolean(let boolean): return .bool(boolean)
        case .text(.string, let text): return .string(text)
        case .number(let number) where number.isFinite: return .number(number)
        default: return ["baseType": .string(value.baseType.name), "value": plainJSON(value)]
        }
    }

    /// A value under its own type.
    func plainJSON(_ value: Primitive) -> JSONValue {
        switch value {
        case .nothing:
            return .null
        case .text(let type, let text):
            if mode == .ems && (type == .json || type == .query),
                let parsed = try? JSONValue(parsing: text, maxDepth: 64)
            {
                switch parsed {
                case .object, .array: return parsed
                default: break
                }
            }
            return .string(text)
        case .number(let number):
            return numberJSON(number)
        case .boolean(let boolean):
            return .bool(boolean)
        case .datetime(let milliseconds):
            return .integer(milliseconds)
        case .integer(let integer):
            return .integer(Int64(integer))
        case .location(let location):
            return [
                "latitude": numberJSON(location.latitude),
                "longitude": numberJSON(location.longitude),
                "elevation": numberJSON(location.elevation),
            ]
        case .infoTable(let table):
            return json(table)
        case .bytes(_, let bytes):
            return .string(Base64.encode(bytes))
        case .variant(let inner):
            return ["baseType": .string(inner.baseType.name), "value": plainJSON(inner)]
        }
    }

    private func numberJSON(_ number: Double) -> JSONValue {
        if number.isFinite { return .number(number) }
        guard mode == .exact else { return .null }
        if number.bitPattern == Double.infinity.bitPattern { return "Infinity" }
        if number.bitPattern == (-Double.infinity).bitPattern { return "-Infinity" }
        if number.bitPattern == Double.nan.bitPattern { return "NaN" }
        return .string("0x" + String(number.bitPattern, radix: 16, uppercase: true))
    }
}
