internal import CLua
import Foundation
import Logging
import OutpostWire

/// A Swift-implemented Lua function: called through the C trampoline, so it reports errors by
/// returning -1 with the message on the stack, never by raising (swift-notes.md gotcha 14).
typealias LuaNativeFunction = @convention(c) (OpaquePointer?) -> Int32

extension LuaState {
    /// Runs the body of a native function: its results are pushed, or its error becomes
    /// "file:line: message" (the position of the Lua caller) for the trampoline to raise.
    static func native(_ L: OpaquePointer?, _ body: (LuaState) throws(LuaError) -> [LuaValue]) -> Int32 {
        let state = LuaState.from(L)
        do throws(LuaError) {
            let results = try body(state)
            guard lua_checkstack(L, Int32(clamping: results.count + 4)) != 0 else {
                throw LuaError.memory("no room on the Lua stack for \(results.count) results")
            }
            for result in results { state.push(result) }
            return Int32(results.count)
        } catch {
            _ = lua_checkstack(L, 4)
            luaL_where(L, 1)
            state.push(.string(error.message))
            lua_concat(L, 2)
            return -1
        }
    }

    /// The arguments of a native call, copied out.
    func arguments() throws(LuaError) -> [LuaValue] {
        let count = lua_gettop(L)
        guard count > 0 else { return [] }
        var values: [LuaValue] = []
        for index in 1...count { values.append(try value(at: index)) }
        return values
    }

    /// Pushes a native function.
    func push(_ function: LuaNativeFunction) {
        outpost_push_swift_function(L, function)
    }

    /// A table of the native functions the prelude and framework build on.
    func pushNatives() {
        let natives: [(String, LuaNativeFunction)] = [
            ("jsonEncode", LuaNatives.jsonEncode),
            ("jsonDecode", LuaNatives.jsonDecode),
            ("log", LuaNatives.log),
            ("readScript", LuaNatives.readScript),
            ("nowMillis", LuaNatives.nowMillis),
            ("sleep", LuaNatives.sleep),
            ("base64Encode", LuaNatives.base64Encode),
            ("base64Decode", LuaNatives.base64Decode),
            ("callerLine", LuaNatives.callerLine),
            ("host", LuaNatives.host),
            ("http", LuaNatives.http),
            ("dir", LuaNatives.dir),
            ("scripts", LuaNatives.scripts),
        ]
        lua_createtable(L, 0, Int32(natives.count))
        for (name, function) in natives {
            push(.string(name))
            push(function)
            lua_rawset(L, -3)
        }
    }
}

/// The Swift side of the Lua-side API: JSON, logging, module loading, time.
enum LuaNatives {
    static let jsonEncode: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let value = try state.arguments().first ?? .nil
            return [.string(try value.json().serialized())]
        }
    }

    static let jsonDecode: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            guard case .string(let text) = try state.arguments().first ?? .nil else {
                throw LuaError.conversion("json.decode expects a string")
            }
            do {
                return [LuaValue(json: try JSONValue(parsing: text))]
            } catch {
                throw LuaError.conversion("json.decode: \(error)")
            }
        }
    }

    /// `log(level, origin, message)`; the level names are the original's (FORCE…TRACE, AUDIT).
    static let log: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let arguments = try state.arguments()
            let level = (arguments.first?.stringValue ?? "info").lowercased()
            let origin = arguments.count > 1 ? arguments[1].stringValue ?? "lua" : "lua"
            let message = arguments.count > 2 ? arguments[2].stringValue ?? "" : ""
            let swiftLevel: Logger.Level = switch level {
            case "force", "audit": .notice
            case "error": .error
            case "warn", "warning": .warning
            case "debug": .debug
            case "trace": .trace
            default: .info
            }
            state.logger.log(level: swiftLevel, "\(message)", metadata: ["outpost.lua.origin": "\(origin)"])
            return []
        }
    }

    /// `readScript("templates.sensor")` → source, chunk path; or nil, where it looked.
    static let readScript: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            guard case .string(let name) = try state.arguments().first ?? .nil else {
                throw LuaError.conversion("module name must be a string")
            }
            guard let directory = state.scriptsDirectory else {
                return [.nil, .string("no scripts directory is configured")]
            }
            let parts = name.split(separator: ".", omittingEmptySubsequences: false)
            guard !parts.isEmpty, parts.allSatisfy({ !$0.isEmpty && !$0.contains("/") && !$0.contains("\\") && $0 != ".." }) else {
                return [.nil, .string("'\(name)' is not a module name (letters, digits and dots only)")]
            }
            let relative = parts.joined(separator: "/") + ".lua"
            let path = directory + "/" + relative
            guard let data = FileManager.default.contents(atPath: path) else {
                return [.nil, .string(path)]
            }
            let display = (URL(fileURLWithPath: directory).lastPathComponent) + "/" + relative
            return [.bytes(Array(data)), .string(display)]
        }
    }

    static let nowMillis: LuaNativeFunction = { L in
        LuaState.native(L) { _ in
            [.integer(Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))]
        }
    }

    /// `sleep(ms)`: blocks this state's own thread, nothing else.
    static let sleep: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            guard let milliseconds = try state.arguments().first?.doubleValue, milliseconds >= 0 else {
                throw LuaError.conversion("The 'psleep' command requires delay setting in milliseconds.")
            }
            return [.boolean(state.sleepSignal.sleep(milliseconds: min(milliseconds, 60_000)))]
        }
    }

    /// `callerLine(level)`: the current line of the function `level` frames up (1 = the caller), or nil.
    /// lua_getstack/lua_getinfo never raise, so no debug library is needed in the sandbox.
    static let callerLine: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let level = Int32(clamping: try state.arguments().first?.integerValue ?? 1)
            var record = lua_Debug()
            guard lua_getstack(L, level, &record) != 0, lua_getinfo(L, "l", &record) != 0, record.currentline > 0 else {
                return [.nil]
            }
            return [.integer(Int64(record.currentline))]
        }
    }

    /// `host(method, path[, body[, headers]])` → code, body: a request to the EMS through the
    /// state's ``LuaHostBridge``; 503 and a message when the state has none.
    static let host: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            let arguments = try state.arguments()
            guard let method = arguments.first?.stringValue, arguments.count > 1, let path = arguments[1].stringValue else {
                throw LuaError.conversion("host request needs a method and a path")
            }
            let body = arguments.count > 2 ? arguments[2].stringValue : nil
            var headers: [String: String] = [:]
            if arguments.count > 3, case .table(let table) = arguments[3] {
                for (key, value) in table.fields { headers[key] = value.stringValue ?? value.integerValue.map { String($0) } }
            }
            guard let bridge = state.bridge else {
                return [.integer(503), .string("not available: this runtime is not connected to an EMS")]
            }
            let response = bridge.emsRequest(LuaHostRequest(method: method, path: path, body: body, headers: headers))
            return [.integer(Int64(response.code)), .string(response.body)]
        }
    }

    static let base64Encode: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            switch try state.arguments().first ?? .nil {
            case .string(let text): return [.string(Data(text.utf8).base64EncodedString())]
            case .bytes(let bytes): return [.string(Data(bytes).base64EncodedString())]
            default: throw LuaError.conversion("base64_encode expects a string")
            }
        }
    }

    static let base64Decode: LuaNativeFunction = { L in
        LuaState.native(L) { state throws(LuaError) in
            guard case .string(let text) = try state.arguments().first ?? .nil,
                  let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters)
            else { return [.nil, .string("not base64")] }
            let bytes = [UInt8](data)
            if let text = String(validating: bytes, as: UTF8.self) { return [.string(text)] }
            return [.bytes(bytes)]
        }
    }
}
