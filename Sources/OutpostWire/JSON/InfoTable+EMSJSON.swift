extension InfoTable {
    /// Reads the EMS REST form: `{"rows":[…],"dataShape":{"fieldDefinitions":{…}}}`.
    ///
    /// `datashape` is accepted as well as `dataShape` (the EMS writes the former, the LSR the latter);
    /// field order follows `ordinal` when every field has one, else document order. Values are converted
    /// to their field's `baseType` with the EMS's tolerance: numeric text for NUMBER, INTEGER and
    /// DATETIME, `"true"`/`"false"` for BOOLEAN, ISO-8601 text for DATETIME, any JSON for JSON fields,
    /// base64 for BLOB and IMAGE, `{"baseType":…,"value":…}` for VARIANT. `LONG` fields become NUMBER, as
    /// the protocol has no LONG. Without a dataShape the fields and types come from the first row.
    /// Anything that does not fit throws a ``WireJSONError`` naming the field, the expected type and what
    /// was found.
    public init(emsJSON json: JSONValue, limits: WireLimits = .default) throws(WireJSONError) {
        let coder = InfoTableJSONCoder(mode: .ems, maxDepth: limits.maxNestingDepth)
        self = try coder.table(from: json, path: "", depth: 1)
    }

    /// Parses JSON text and reads it as in ``init(emsJSON:limits:)-(JSONValue,_)``.
    public init(emsJSON text: String, limits: WireLimits = .default) throws(WireJSONError) {
        try self.init(emsJSON: try JSONValue(parsing: text, maxDepth: limits.jsonDepth), limits: limits)
    }

    /// The EMS REST form with rows first, then `dataShape` (the key spelling decided in the specs'
    /// README), field definitions as `name`, `description`, `baseType`, `aspects`. NOTHING values are
    /// left out of their row; JSON fields appear as JSON (not as quoted text) when their text parses.
    public func emsJSON() -> JSONValue {
        InfoTableJSONCoder(mode: .ems, maxDepth: WireLimits.hardMaximumNestingDepth).json(self)
    }

    /// ``emsJSON()`` as compact text, as the EMS sends it.
    public func emsJSONString() -> String {
        emsJSON().serialized()
    }
}

extension Primitive {
    /// Converts a JSON value to a primitive of the given base type, with the same rules as a row value
    /// in ``InfoTable/init(emsJSON:limits:)-(JSONValue,_)``; `null` gives NOTHING.
    public init(emsJSON json: JSONValue, as type: BaseType, limits: WireLimits = .default) throws(WireJSONError) {
        let coder = InfoTableJSONCoder(mode: .ems, maxDepth: limits.maxNestingDepth)
        self = try coder.value(from: json, declared: type, field: "value", path: "", depth: 0)
    }

    /// The value as JSON under its own type: numbers, strings, booleans, milliseconds for DATETIME,
    /// base64 for BLOB/IMAGE, a nested EMS InfoTable, `{"baseType":…,"value":…}` for VARIANT.
    public func emsJSON() -> JSONValue {
        InfoTableJSONCoder(mode: .ems, maxDepth: WireLimits.hardMaximumNestingDepth).plainJSON(self)
    }
}
