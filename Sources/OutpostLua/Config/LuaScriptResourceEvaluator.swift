import Foundation
public import Logging
public import OutpostConfig

/// Evaluates a `config.lua` in a sandboxed state with a pre-created `scripts` table and records every
/// `scripts.<key> = value` with its line, for ``LuaScriptResourceConfig/load(_:)``.
///
/// The file is code, so it runs under tight limits (a config file that loops or allocates without end
/// is reported, not obeyed) and sees only the standard library, no `io`, `os.execute` or `require`.
public enum LuaScriptResourceEvaluator {
    /// Limits for evaluating a config file.
    public static let limits = LuaLimits(instructionBudget: 10_000_000, memoryCap: 32 << 20, timeout: 5)

    /// Evaluates and judges `config.lua` in one step.
    public static func load(_ source: [UInt8], fileName: String = "config.lua", logger: Logger? = nil) async -> ConfigLoadResult<LuaScriptResourceConfig> {
        LuaScriptResourceConfig.load(await evaluate(source, fileName: fileName, logger: logger))
    }

    /// Runs the file and collects its assignments; errors become findings with their line.
    public static func evaluate(_ source: [UInt8], fileName: String = "config.lua", logger: Logger? = nil) async -> LuaScriptResourceDocument {
        let chunkBase = (fileName as NSString).lastPathComponent
        let text = String(decoding: source, as: UTF8.self)
        let locator = LuaSourceLocator(text)
        var document = LuaScriptResourceDocument()
        let quiet = logger ?? Logger(label: "outpost.lua.config", factory: { _ in SwiftLogNoOpLogHandler() })
        let runtime: LuaRuntime
        do {
            runtime = try await LuaRuntime(name: "config", options: .init(limits: limits, scriptsDirectory: nil, sandbox: true, logger: quiet))
        } catch {
            document.findings.append(ConfigFinding(.error, .invalid, path: "", "could not start Lua: \(error.message)"))
            return document
        }
        defer { runtime.shutdown() }
        let results: [LuaValue]
        do {
            results = try await runtime.execute(evaluatorSource, chunkName: "=config-evaluator")
            _ = results
        } catch {
            document.findings.append(ConfigFinding(.error, .invalid, path: "", error.message))
            return document
        }
        let outcome: [LuaValue]
        do {
            outcome = try await runtime.call("__outpost_evaluate_config", [.string(text), .string("@" + chunkBase)])
        } catch {
            document.findings.append(finding(for: error.message, kind: error.kind, chunkBase: chunkBase))
            return document
        }
        let assignments = outcome.first?.tableValue?.array ?? []
        let strays = outcome.count > 1 ? outcome[1].tableValue?.array ?? [] : []
        if outcome.count > 2, case .string(let message) = outcome[2] {
            // The evaluator's pcall catches limit errors too; their text says which limit.
            let limitHit = ["instruction budget of ", "wall-clock timeout of ", "not enough memory"].contains { message.contains($0) }
            let kind: LuaError.Kind = outcome.count > 3 && outcome[3] == .boolean(true) ? .syntax : limitHit ? .instructionBudget : .runtime
            document.findings.append(finding(for: message, kind: kind, chunkBase: chunkBase))
        }
        for item in assignments {
            guard let key = item["key"].stringValue else { continue }
            let line = item["line"].integerValue.map { Int($0) }
            let value = documentValue(item["value"])
            guard let value else { continue }
            let position = line.map { locator.position(ofKey: key, prefix: "scripts", endingAt: $0) }
            var members: [String: SourcePosition] = [:]
            if case .table(let table) = value, let position, let line {
                for member in table.members {
                    if let found = locator.position(ofMember: member.key, from: position.line, to: line) { members[member.key] = found }
                }
            }
            document.assignments.append(.init(key: key, value: value, position: position, memberPositions: members))
        }
        for item in strays {
            guard let key = item["key"].stringValue, let value = documentValue(item["value"]) else { continue }
            let line = item["line"].integerValue.map { Int($0) }
            document.strayGlobals.append(.init(key: key, value: value, position: line.map { locator.position(ofKey: key, prefix: nil, endingAt: $0) }))
        }
        return document
    }

    /// "config.lua:3: unexpected symbol near '='" → a finding at line 3 with the rest as message.
    static func finding(for message: String, kind: LuaError.Kind, chunkBase: String) -> ConfigFinding {
        var text = message
        var position: SourcePosition?
        if text.hasPrefix(chunkBase + ":") {
            let rest = text.dropFirst(chunkBase.count + 1)
            let digits = rest.prefix { $0.isNumber }
            if let line = Int(digits), rest.dropFirst(digits.count).hasPrefix(": ") {
                position = SourcePosition(line: line, column: 1)
                text = String(rest.dropFirst(digits.count + 2))
            }
        }
        switch kind {
        case .syntax:
            return ConfigFinding(.error, .syntax, path: "", "Lua syntax error: \(text)", at: position)
        case .instructionBudget, .timeout, .memory:
            return ConfigFinding(.error, .invalid, path: "", "config.lua must only assign settings, but evaluating it failed: \(text)", at: position)
        default:
            return ConfigFinding(.error, .invalid, path: "", "Lua error while evaluating the file: \(text)", at: position)
        }
    }

    static func documentValue(_ value: LuaValue) -> LuaScriptResourceDocument.Value? {
        switch value {
        case .nil: return nil
        case .boolean(let flag): return .boolean(flag)
        case .integer(let number): return .integer(number)
        case .number(let number): return .number(number)
        case .string(let text): return .string(text)
        case .bytes(let bytes): return .string(String(decoding: bytes, as: UTF8.self))
        case .opaque(let name): return .other(name)
        case .table(let table):
            var result = LuaScriptResourceDocument.Table()
            result.array = table.array.compactMap { documentValue($0) }
            for key in table.fields.keys.sorted() {
                if let member = documentValue(table.fields[key]!) { result.members.append((key, member)) }
            }
            return .table(result)
        }
    }

    /// Runs the file with `scripts` as a recording proxy; returns assignments, stray globals and the error.
    static let evaluatorSource = #"""
function __outpost_evaluate_config(source, chunkname)
  local callerLine = thingworx.framework.callerLine
  local assignments, strays, values = {}, {}, {}
  local scripts = setmetatable({}, {
    __newindex = function(_, key, value)
      assignments[#assignments + 1] = { key = tostring(key), value = value, line = callerLine(2) }
      values[key] = value
    end,
    __index = function(_, key) return values[key] end,
    __pairs = function() return next, values, nil end,
  })
  local env = setmetatable({ scripts = scripts }, {
    __index = _G,
    __newindex = function(t, key, value)
      strays[#strays + 1] = { key = tostring(key), value = value, line = callerLine(2) }
      rawset(t, key, value)
    end,
  })
  local chunk, message = load(source, chunkname, "t", env)
  if chunk == nil then return assignments, strays, message, true end
  local ok, err = pcall(chunk)
  if not ok then return assignments, strays, tostring(err), false end
  return assignments, strays
end
"""#
}

extension LuaScriptResourceEvaluator {
    /// `outpost validate config.lua`: the findings (notes left out unless asked for) and the secrets to open.
    public static func loadForValidation(_ source: [UInt8], fileName: String, notes: Bool) async -> ConfigValidationFindings {
        var result = await load(source, fileName: fileName).validationFindings
        if !notes { result.findings.removeAll { $0.severity == .note } }
        return result
    }
}
