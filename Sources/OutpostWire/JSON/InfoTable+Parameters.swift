extension InfoTable {
    /// Flat JSON parameters (`ems-lsr.md` §3.3, form 1): one row, one field per key, in key order, with
    /// inferred types: string → STRING, number → NUMBER, boolean → BOOLEAN, object with `latitude` and
    /// `longitude` → LOCATION, object with `rows` → INFOTABLE, any other object or array → JSON, `null` →
    /// a STRING field holding NOTHING.
    public init(parameters: JSONObject, limits: WireLimits = .default) throws(WireJSONError) {
        let coder = InfoTableJSONCoder(mode: .ems, maxDepth: limits.maxNestingDepth)
        var fields: [FieldDefinition] = []
        var row: [Primitive] = []
        for member in parameters {
            let value = try coder.inferred(member.value, allowTyped: false, path: member.key, depth: 1)
            fields.append(FieldDefinition(name: member.key, baseType: value == .nothing ? .string : value.baseType))
            row.append(value)
        }
        self.init(fields: fields, rows: [row])
    }

    /// The parameters of a REST request body: an InfoTable when the object has `rows`, `dataShape` or
    /// `datashape` (typed, see ``init(emsJSON:limits:)-(JSONValue,_)``), otherwise flat parameters
    /// (``init(parameters:limits:)``); `null` (no body) gives an empty InfoTable.
    public init(requestBody json: JSONValue, limits: WireLimits = .default) throws(WireJSONError) {
        switch json {
        case .null:
            self.init()
        case .object(let object):
            if object["rows"] != nil || object["dataShape"] != nil || object["datashape"] != nil {
                try self.init(emsJSON: json, limits: limits)
            } else {
                try self.init(parameters: object, limits: limits)
            }
        default:
            throw WireJSONError(.typeMismatch, "expected a JSON object of parameters or an InfoTable, got \(json.kindDescription)")
        }
    }

    /// One row as a flat object: field name → value under its own type (see ``Primitive/emsJSON()``),
    /// NOTHING values left out. Empty when the row does not exist.
    public func parametersJSON(row: Int = 0) -> JSONObject {
        var object = JSONObject()
        guard let values = self.row(row) else { return object }
        for (index, field) in dataShape.fields.enumerated() where index < values.count {
            if case .nothing = values[index] { continue }
            object.append(field.name, values[index].emsJSON())
        }
        return object
    }

    /// The wrapper the original EMS sends for a flat JSON body it does not convert (`ems-observed.md`
    /// §8.2): one JSON field `_content_` holding the body's text.
    public static func content(_ json: JSONValue) -> InfoTable {
        .single("_content_", .json(json.serialized()))
    }
}
