import Foundation
public import OutpostWire

extension LuaThing {
    /// Invokes `services.<name>(me, headers, query, data)` with JSON parameters: a flat object, an
    /// InfoTable (its first row is used) or `null` for none. Never throws: a Lua error is a 500 with its
    /// message, an unknown service a 404, the service's own non-200 code is passed through with its text,
    /// and a 200 result is converted by the definition's output base type (`ems-lsr.md` §4.7.5).
    public func invoke(
        _ service: String,
        parameters: JSONValue = .null,
        headers: [String: String] = [:],
        query: [String: String] = [:]
    ) async -> LuaServiceResponse {
        let data: LuaValue
        switch parameters {
        case .null:
            data = .table(LuaTable())
        case .object(let object) where object["rows"] != nil || object["dataShape"] != nil || object["datashape"] != nil:
            do {
                data = LuaValue(json: .object(try InfoTable(emsJSON: parameters).parametersJSON()))
            } catch {
                return LuaServiceResponse(code: 400, message: "Service invocation requires JSON data: \(error)")
            }
        case .object:
            data = LuaValue(json: parameters)
        default:
            return LuaServiceResponse(code: 400, message: "Service invocation requires JSON data")
        }
        return await invoke(service, data: data, headers: headers, query: query)
    }

    /// Invokes a service with typed parameters (the first row of the InfoTable).
    public func invoke(_ service: String, parameters: InfoTable, headers: [String: String] = [:]) async -> LuaServiceResponse {
        await invoke(service, data: LuaValue(json: .object(parameters.parametersJSON())), headers: headers, query: [:])
    }

    private func invoke(_ service: String, data: LuaValue, headers: [String: String], query: [String: String]) async -> LuaServiceResponse {
        guard let definition = self.service(service) else {
            return LuaServiceResponse(code: 404, message: "Service '\(service)' not found")
        }
        if service == "GetMetadata" && !definition.isImplemented {
            return LuaServiceResponse(code: 200, body: wrapResult(metadata(), baseType: "JSON"))
        }
        let results: [LuaValue]
        do {
            results = try await runtime.call("thingworx.framework.invoke", [
                .string(service), Self.table(headers), Self.table(query), data,
            ])
        } catch {
            return LuaServiceResponse(code: 500, message: error.message)
        }
        let code = Int(results.first?.integerValue ?? 500)
        let content = results.count > 1 ? results[1] : .nil
        var responseHeaders: [String: String] = [:]
        if results.count > 2, case .table(let table) = results[2] {
            for (key, value) in table.fields {
                responseHeaders[key] = value.stringValue ?? value.integerValue.map { String($0) } ?? value.doubleValue.map { String($0) }
            }
        }
        guard code == 200 else {
            return LuaServiceResponse(code: code, message: Self.text(content), headers: responseHeaders)
        }
        do {
            return LuaServiceResponse(code: 200, body: try convert(content, output: definition.output), headers: responseHeaders)
        } catch {
            return LuaServiceResponse(code: 500, message: error.message, headers: responseHeaders)
        }
    }

    /// The 200 body for an output type: `{"dataShape":…,"rows":[{"result":v}]}`, nil for NOTHING,
    /// an INFOTABLE as it is.
    private func convert(_ content: LuaValue, output: LuaFieldDefinition) throws(LuaError) -> JSONValue? {
        let typeName = output.baseTypeName.uppercased()
        let failure = LuaError.conversion("Could not convert service result into base type of \(typeName)")
        switch output.baseType {
        case .nothing:
            return nil
        case .infoTable:
            switch content {
            case .string(let text):
                guard let json = try? JSONValue(parsing: text) else { throw failure }
                return json
            case .table:
                return try content.json()
            default:
                throw failure
            }
        case .number, .integer, .datetime:
            let number: LuaValue
            switch content {
            case .integer, .number: number = content
            case .string(let text):
                let trimmed = text.trimmingCharacters(in: .whitespaces)
                if let integer = Int64(trimmed) { number = .integer(integer) } else if let double = Double(trimmed) { number = .number(double) } else { throw failure }
            default: throw failure
            }
            if output.baseType != .number, number.integerValue == nil { throw failure }
            let json: JSONValue = output.baseType == .number ? (try number.json()) : .integer(number.integerValue!)
            return wrapResult(json, baseType: typeName)
        case .boolean:
            let flag: Bool = switch content {
            case .nil, .boolean(false), .integer(0): false
            case .number(let value): value != 0
            case .string(let text): !(text.lowercased() == "false" || text == "0" || text.isEmpty)
            default: true
            }
            return wrapResult(.bool(flag), baseType: typeName)
        case .location, .query, .json:
            switch content {
            case .table: return wrapResult(try content.json(), baseType: typeName)
            case .string(let text):
                guard let json = try? JSONValue(parsing: text), case .object = json else {
                    throw LuaError.conversion("Could not convert service result into base type of \(typeName): the service must return a table")
                }
                return wrapResult(json, baseType: typeName)
            default:
                throw LuaError.conversion("Could not convert service result into base type of \(typeName): the service must return a table")
            }
        case .image, .blob:
            let bytes: [UInt8] = switch content {
            case .string(let text): Array(text.utf8)
            case .bytes(let bytes): bytes
            default: []
            }
            return wrapResult(.string(Data(bytes).base64EncodedString()), baseType: typeName)
        default:
            switch content {
            case .nil: return wrapResult(.null, baseType: typeName)
            case .table: return wrapResult(.string(try content.json().serialized()), baseType: typeName)
            default: return wrapResult(.string(Self.text(content) ?? ""), baseType: typeName)
            }
        }
    }

    func wrapResult(_ value: JSONValue, baseType: String) -> JSONValue {
        let field: JSONValue = .object(["name": "result", "baseType": .string(baseType), "description": "", "aspects": .object([:])])
        return .object([
            "dataShape": .object(["fieldDefinitions": .object(["result": field])]),
            "rows": .array([.object(["result": value])]),
        ])
    }

    static func text(_ value: LuaValue) -> String? {
        switch value {
        case .nil: nil
        case .string(let text): text
        case .integer(let number): String(number)
        case .number(let number): String(number)
        case .boolean(let flag): String(flag)
        case .bytes(let bytes): String(decoding: bytes, as: UTF8.self)
        case .table: (try? value.json().serialized()) ?? "table"
        case .opaque(let name): name
        }
    }

    static func table(_ dictionary: [String: String]) -> LuaValue {
        .table(LuaTable(fields: dictionary.mapValues { .string($0) }))
    }
}
