extension InfoTableJSONCoder {
    /// A row value (or VARIANT content) read under its declared type. `depth` is the level of the table
    /// holding it.
    func value(
        from json: JSONValue,
        declared: BaseType?,
        field: String,
        path: String,
        depth: Int
    ) throws(WireJSONError) -> Primitive {
        if case .null = json { return .nothing }
        if mode == .exact, case .object(let object) = json, let typeJSON = object["wireType"] {
            guard let name = typeJSON.stringValue, let type = BaseType(name: name) else {
                throw WireJSONError(.notEncodable, path: path, "wireType \(typeJSON.kindDescription) is not a base type name")
            }
            return try value(from: object["value"] ?? .null, declared: type, field: field, path: path, depth: depth)
        }
        guard let declared else {
            throw WireJSONError(
                .unexpectedMember,
                path: path,
                "a value beyond the DataShape's fields must be written {\"wireType\":…,\"value\":…}"
            )
        }
        func mismatch() -> WireJSONError {
            WireJSONError(.typeMismatch, path: path, "field '\(field)' expects \(declared.name), got \(json.kindDescription)")
        }
        switch declared {
        case .nothing:
            throw mismatch()
        case .timespan, .schedule:
            throw WireJSONError(.notEncodable, path: path, "field '\(field)' is \(declared.name), which has no encoding in the AlwaysOn protocol")
        case .json, .query:
            switch json {
            case .string(let text): return .text(declared, text)
            case .object, .array, .bool, .integer, .number:
                guard mode == .ems else { throw mismatch() }
                return .text(declared, json.serialized())
            default: throw mismatch()
            }
        case .number:
            guard let number = numberValue(json) else { throw mismatch() }
            return .number(number)
        case .integer:
            guard let number = integralValue(json) else { throw mismatch() }
            guard let integer = Int32(exactly: number) else {
                throw WireJSONError(.outOfRange, path: path, "field '\(field)' expects INTEGER (-2147483648...2147483647), got \(json.kindDescription)")
            }
            return .integer(integer)
        case .datetime:
            if mode == .ems, case .string(let text) = json, let milliseconds = ISO8601.milliseconds(text) {
                return .datetime(milliseconds)
            }
            guard let milliseconds = integralValue(json) else {
                throw WireJSONError(
                    .typeMismatch,
                    path: path,
                    "field '\(field)' expects DATETIME (milliseconds since 1970 or ISO-8601 text), got \(json.kindDescription)"
                )
            }
            return .datetime(milliseconds)
        case .boolean:
            switch json {
            case .bool(let boolean): return .boolean(boolean)
            case .string(let text) where mode == .ems && text.lowercased() == "true": return .boolean(true)
            case .string(let text) where mode == .ems && text.lowercased() == "false": return .boolean(false)
            default: throw mismatch()
            }
        case .location:
            guard case .object(let object) = json,
                let latitude = object["latitude"].flatMap(numberValue),
                let longitude = object["longitude"].flatMap(numberValue)
            else {
                throw WireJSONError(
                    .typeMismatch,
                    path: path,
                    "field '\(field)' expects LOCATION ({\"latitude\":…,\"longitude\":…,\"elevation\":…}), got \(json.kindDescription)"
                )
            }
            let elevation: Double
            if let elevationJSON = object["elevation"], elevationJSON != .null {
                guard let number = numberValue(elevationJSON) else { throw mismatch() }
                elevation = number
            } else {
                elevation = 0
            }
            return .location(Location(latitude: latitude, longitude: longitude, elevation: elevation))
        case .infoTable:
            guard case .object = json else { throw mismatch() }
            return .infoTable(try table(from: json, path: path, depth: depth + 1))
        case .image, .blob:
            guard case .string(let text) = json else { throw mismatch() }
            guard let bytes = Base64.decode(text) else {
                throw WireJSONError(.typeMismatch, path: path, "field '\(field)' expects \(declared.name) as base64 text, got text that is not base64")
            }
            return .bytes(declared, bytes)
        case .variant:
            guard depth + 1 <= maxDepth else {
                throw WireJSONError(.nestingTooDeep, path: path, "InfoTables and VARIANTs nest more than \(maxDepth) levels deep")
            }
            if case .object(let object) = json, let typeJSON = object["baseType"] {
                guard let name = typeJSON.stringValue, let type = BaseType(name: name) else {
                    throw WireJSONError(.notEncodable, path: join(path, "baseType"), "\(typeJSON.kindDescription) is not a base type name")
                }
                let inner = try value(from: object["value"] ?? .null, declared: type, field: field, path: join(path, "value"), depth: depth + 1)
                return .variant(inner)
            }
            guard mode == .ems else {
                throw WireJSONError(.typeMismatch, path: path, "field '\(field)' expects VARIANT as {\"baseType\":…,\"value\":…}, got \(json.kindDescription)")
            }
            return .variant(try inferred(json, allowTyped: false, path: path, depth: depth + 1))
        default:
            precondition(declared.isTextual)
            switch json {
            case .string(let text): return .text(declared, text)
            case .integer, .number, .bool:
                guard mode == .ems else { throw mismatch() }
                return .text(declared, json.serialized())
            default: throw mismatch()
            }
        }
    }

    /// A value whose type comes from the JSON itself (flat parameters, aspects, untyped VARIANT):
    /// string → STRING, number → NUMBER, boolean → BOOLEAN, object with `rows`/`dataShape` → INFOTABLE,
    /// object with `latitude` and `longitude` → LOCATION, with `allowTyped` an object with `baseType`
    /// → that type, any other object or array → JSON text.
    func inferred(_ json: JSONValue, allowTyped: Bool, path: String, depth: Int) throws(WireJSONError) -> Primitive {
        switch json {
        case .null: return .nothing
        case .bool(let boolean): return .boolean(boolean)
        case .integer(let integer): return .number(Double(integer))
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .array: return .json(json.serialized())
        case .object(let object):
            if allowTyped, let typeJSON = object["baseType"], object.keys.allSatisfy({ $0 == "baseType" || $0 == "value" }) {
                guard let name = typeJSON.stringValue, let type = BaseType(name: name) else {
                    throw WireJSONError(.notEncodable, path: path, "\(typeJSON.kindDescription) is not a base type name")
                }
                return try value(from: object["value"] ?? .null, declared: type, field: path, path: path, depth: depth)
            }
            if object["rows"] != nil || object["dataShape"] != nil || object["datashape"] != nil {
                return .infoTable(try table(from: json, path: path, depth: depth + 1))
            }
            if object["latitude"]?.doubleValue != nil, object["longitude"]?.doubleValue != nil {
                return try value(from: json, declared: .location, field: path, path: path, depth: depth)
            }
            return .json(json.serialized())
        }
    }

    /// NUMBER from JSON: any number; in `.ems` also numeric text; in `.exact` also `"NaN"`, `"Infinity"`,
    /// `"-Infinity"` and `"0x…"` bit patterns.
    func numberValue(_ json: JSONValue) -> Double? {
        switch json {
        case .integer(let integer): return Double(integer)
        case .number(let number): return number
        case .string(let text):
            switch mode {
            case .ems:
                guard let number = Double(text.trimmingSpaces()), number.isFinite else { return nil }
                return number
            case .exact:
                switch text {
                case "NaN": return Double.nan
                case "Infinity": return Double.infinity
                case "-Infinity": return -Double.infinity
                default:
                    guard text.hasPrefix("0x"), let bits = UInt64(text.dropFirst(2), radix: 16) else { return nil }
                    return Double(bitPattern: bits)
                }
            }
        default: return nil
        }
    }

    /// A whole number (INTEGER, DATETIME): integers, whole doubles within Int64, numeric text in `.ems`.
    func integralValue(_ json: JSONValue) -> Int64? {
        switch json {
        case .integer(let integer): return integer
        case .number(let number): return Int64(exactly: number)
        case .string(let text) where mode == .ems:
            let trimmed = text.trimmingSpaces()
            if let integer = Int64(trimmed) { return integer }
            return Double(trimmed).flatMap { Int64(exactly: $0) }
        default: return nil
        }
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }
}

extension String {
    func trimmingSpaces() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return String(scalars)
    }
}
