extension InfoTableJSONCoder {
    // MARK: JSON → InfoTable

    /// `depth` is the nesting level this table will have on the wire (1 for parameters or content).
    func table(from json: JSONValue, path: String, depth: Int) throws(WireJSONError) -> InfoTable {
        guard depth <= maxDepth else {
            throw WireJSONError(.nestingTooDeep, path: path, "InfoTables and VARIANTs nest more than \(maxDepth) levels deep")
        }
        guard case .object(let object) = json else {
            throw WireJSONError(
                .typeMismatch,
                path: path,
                "expected an InfoTable object with rows and dataShape, got \(json.kindDescription)"
            )
        }
        if mode == .exact {
            for key in object.keys where key != "rows" && key != "dataShape" && key != "datashape" {
                throw WireJSONError(.unexpectedMember, path: join(path, key), "an InfoTable has only rows and dataShape")
            }
        }
        let rowsJSON: [JSONValue]
        switch object["rows"] {
        case nil, .null?: rowsJSON = []
        case .array(let elements)?: rowsJSON = elements
        case let other?:
            throw WireJSONError(.typeMismatch, path: join(path, "rows"), "expected an array of rows, got \(other.kindDescription)")
        }
        let fields: [FieldDefinition]
        if let shape = object["dataShape"] ?? object["datashape"] {
            fields = try dataShape(from: shape, path: join(path, "dataShape"), depth: depth)
        } else if mode == .ems {
            fields = try inferredShape(rowsJSON, path: path, depth: depth)
        } else {
            throw WireJSONError(.missingMember, path: path, "an InfoTable needs a dataShape")
        }
        var rows: [[Primitive]] = []
        rows.reserveCapacity(rowsJSON.count)
        for (index, rowJSON) in rowsJSON.enumerated() {
            rows.append(try row(from: rowJSON, fields: fields, path: "\(join(path, "rows"))[\(index)]", depth: depth))
        }
        return InfoTable(fields: fields, rows: rows)
    }

    private func join(_ path: String, _ key: String) -> String {
        path.isEmpty ? key : path + "." + key
    }

    private func dataShape(from json: JSONValue, path: String, depth: Int) throws(WireJSONError) -> [FieldDefinition] {
        guard case .object(let shape) = json else {
            throw WireJSONError(.typeMismatch, path: path, "expected an object with fieldDefinitions, got \(json.kindDescription)")
        }
        let definitions: [(key: String?, value: JSONValue)]
        switch shape["fieldDefinitions"] {
        case nil, .null?: definitions = []
        case .object(let object)?: definitions = object.members.map { ($0.key, $0.value) }
        case .array(let elements)? where mode == .ems: definitions = elements.map { (nil, $0) }
        case let other?:
            throw WireJSONError(
                .typeMismatch,
                path: join(path, "fieldDefinitions"),
                "expected an object of field definitions, got \(other.kindDescription)"
            )
        }
        var fields: [FieldDefinition] = []
        var ordinals: [Double] = []
        for (index, definition) in definitions.enumerated() {
            let fieldPath = join(join(path, "fieldDefinitions"), definition.key ?? "[\(index)]")
            guard case .object(let object) = definition.value else {
                throw WireJSONError(.typeMismatch, path: fieldPath, "expected a field definition object, got \(definition.value.kindDescription)")
            }
            guard let name = object["name"]?.stringValue ?? definition.key else {
                throw WireJSONError(.missingMember, path: fieldPath, "a field definition needs a name")
            }
            let baseType = try baseType(object["baseType"] ?? object["basetype"], path: join(fieldPath, "baseType"))
            var description = ""
            if let text = object["description"], text != .null {
                guard let string = text.stringValue else {
                    throw WireJSONError(.typeMismatch, path: join(fieldPath, "description"), "expected a string, got \(text.kindDescription)")
                }
                description = string
            }
            var aspects: [Aspect] = []
            switch object["aspects"] {
            case nil, .null?: break
            case .object(let aspectObject)?:
                for member in aspectObject {
                    let value = try inferred(member.value, allowTyped: true, path: join(join(fieldPath, "aspects"), member.key), depth: depth)
                    aspects.append(Aspect(name: member.key, value: value))
                }
            case .array(let elements)? where elements.isEmpty && mode == .ems: break
            case let other?:
                throw WireJSONError(.typeMismatch, path: join(fieldPath, "aspects"), "expected an object of aspects, got \(other.kindDescription)")
            }
            if mode == .ems, let ordinal = object["ordinal"]?.doubleValue { ordinals.append(ordinal) }
            fields.append(FieldDefinition(name: name, description: description, baseType: baseType, aspects: aspects))
        }
        if mode == .ems && ordinals.count == fields.count && !fields.isEmpty {
            let order = fields.indices.sorted { (ordinals[$0], $0) < (ordinals[$1], $1) }
            fields = order.map { fields[$0] }
        }
        return fields
    }

    private func baseType(_ json: JSONValue?, path: String) throws(WireJSONError) -> BaseType {
        guard let json else { throw WireJSONError(.missingMember, path: path, "a baseType is required") }
        guard let name = json.stringValue else {
            throw WireJSONError(.typeMismatch, path: path, "expected a base type name, got \(json.kindDescription)")
        }
        if let type = BaseType(name: name) { return type }
        // LONG has no AlwaysOn code (alwayson.md §9); the nearest type that carries any 64-bit number is NUMBER.
        if mode == .ems && name.uppercased() == "LONG" { return .number }
        throw WireJSONError(.notEncodable, path: path, "'\(name)' is not a base type of the AlwaysOn protocol")
    }

    /// No dataShape: one field per key of the first row, types inferred from its values.
    private func inferredShape(_ rows: [JSONValue], path: String, depth: Int) throws(WireJSONError) -> [FieldDefinition] {
        guard let first = rows.first else { return [] }
        guard case .object(let object) = first else {
            throw WireJSONError(.typeMismatch, path: "\(join(path, "rows"))[0]", "expected a row object, got \(first.kindDescription)")
        }
        var fields: [FieldDefinition] = []
        for member in object {
            let value = try inferred(member.value, allowTyped: false, path: member.key, depth: depth)
            fields.append(FieldDefinition(name: member.key, baseType: value == .nothing ? .string : value.baseType))
        }
        return fields
    }

    private func row(from json: JSONValue, fields: [FieldDefinition], path: String, depth: Int) throws(WireJSONError) -> [Primitive] {
        var values: [Primitive] = []
        switch json {
        case .object(let object) where mode == .exact:
            guard object.count == fields.count else {
                throw WireJSONError(
                    .unexpectedMember,
                    path: path,
                    "the row has \(object.count) values for \(fields.count) fields; write a row of another length as an array"
                )
            }
            for (index, member) in object.members.enumerated() {
                guard member.key == fields[index].name else {
                    throw WireJSONError(
                        .unexpectedMember,
                        path: join(path, member.key),
                        "value \(index) must be for field '\(fields[index].name)' (row objects follow the DataShape order)"
                    )
                }
                values.append(try value(from: member.value, declared: fields[index].baseType, field: member.key, path: join(path, member.key), depth: depth))
            }
        case .object(let object):
            for member in object where !fields.contains(where: { $0.name == member.key }) {
                throw WireJSONError(
                    .unexpectedMember,
                    path: join(path, member.key),
                    "'\(member.key)' is not a field of the data shape (fields: \(fields.map(\.name).joined(separator: ", ")))"
                )
            }
            values.reserveCapacity(fields.count)
            for field in fields {
                values.append(try value(from: object[field.name] ?? .null, declared: field.baseType, field: field.name, path: join(path, field.name), depth: depth))
            }
        case .array(let elements) where mode == .exact:
            for (index, element) in elements.enumerated() {
                let declared = index < fields.count ? fields[index].baseType : nil
                let field = index < fields.count ? fields[index].name : "#\(index)"
                values.append(try value(from: element, declared: declared, field: field, path: "\(path)[\(index)]", depth: depth))
            }
        default:
            throw WireJSONError(.typeMismatch, path: path, "expected a row object, got \(json.kindDescription)")
        }
        return values
    }
}
