internal import CLua
public import Logging

/// One `lua_State` with its limits. Not thread-safe by design: a ``LuaRuntime`` creates it on its own
/// dedicated thread and only ever touches it there (swift-notes.md gotcha 17).
///
/// Every entry into Lua goes through ``protectedCall(arguments:results:)``, which arms the limits and
/// turns a failed `lua_pcall` into a ``LuaError``; nothing here calls a Lua API that can raise outside a
/// protected call except value pushes, during which the memory cap is not enforced.
public final class LuaState {
    let L: OpaquePointer
    private let accounting: UnsafeMutablePointer<outpost_lua_limits>
    public var limits: LuaLimits
    public let logger: Logger
    /// Where `require` looks for modules (`templates.sensor` → `<dir>/templates/sensor.lua`); nil: nowhere.
    public let scriptsDirectory: String?
    /// Values the framework keeps per state (the thing's p_data etc.), by name.
    var storage: [String: LuaValue] = [:]
    /// Where `tw_ems.*` and `server.*` requests go (set by the runtime before any script runs).
    public var bridge: (any LuaHostBridge)?
    /// Where `tw_dir.*` may read and write (set by the runtime before any script runs).
    var fileSandbox = LuaFileSandbox()
    /// Wakes `tw_utils.psleep` at shutdown (the runtime's, shared with other threads).
    var sleepSignal = LuaSleepSignal()

    /// Creates a state with the standard libraries, then the prelude: sandbox (when `sandbox` is true),
    /// Lua 5.1 compatibility shims and the Lua-side API of the script resource.
    public init(limits: LuaLimits = .default, logger: Logger, scriptsDirectory: String? = nil, sandbox: Bool = true) throws(LuaError) {
        accounting = .allocate(capacity: 1)
        accounting.initialize(to: outpost_lua_limits())
        accounting.pointee.budget = -1
        guard let state = outpost_newstate(accounting) else {
            accounting.deallocate()
            throw LuaError.memory("could not create a Lua state: out of memory")
        }
        L = state
        self.limits = limits
        self.logger = logger
        self.scriptsDirectory = scriptsDirectory
        outpost_extraspace(L).assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee =
            Unmanaged.passUnretained(self).toOpaque()
        luaL_openlibs(L)
        outpost_sethook(L, max(1, limits.hookGranularity))
        try LuaPrelude.install(in: self, sandbox: sandbox)
    }

    deinit {
        lua_close(L)
        accounting.deallocate()
    }

    /// The Swift object behind a raw state (for Swift-implemented Lua functions).
    static func from(_ L: OpaquePointer?) -> LuaState {
        let slot = outpost_extraspace(L).assumingMemoryBound(to: UnsafeMutableRawPointer?.self).pointee!
        return Unmanaged<LuaState>.fromOpaque(slot).takeUnretainedValue()
    }

    /// Bytes the state holds now.
    public var memoryInUse: Int { Int(accounting.pointee.used) }

    /// Runs a full garbage collection.
    public func collectGarbage() {
        _ = outpost_gc_collect(L)
    }

    // MARK: Loading and calling

    /// Compiles `source` as text (bytecode is refused) and leaves the function on the stack.
    func load(_ source: [UInt8], chunkName: String) throws(LuaError) {
        _ = lua_checkstack(L, 4)
        let text = source.isEmpty ? [UInt8(ascii: " ")] : source
        let status = text.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                outpost_loadtext(L, chars.baseAddress, chars.count, chunkName)
            }
        }
        if status != LUA_OK {
            let message = string(at: -1) ?? "unknown error"
            outpost_pop(L, 1)
            throw status == LUA_ERRSYNTAX ? LuaError.syntax(message) : LuaError.memory(message)
        }
    }

    /// Loads and runs a chunk under the limits; returns what it returned.
    @discardableResult
    public func execute(_ source: String, chunkName: String, arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try load(Array(source.utf8), chunkName: chunkName)
        return try callLoaded(arguments: arguments, base: base)
    }

    /// Calls the global function at a dotted path (`"thingworx.framework.scan"`).
    @discardableResult
    public func call(_ path: String, _ arguments: [LuaValue] = []) throws(LuaError) -> [LuaValue] {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try pushGlobal(path)
        guard lua_type(L, -1) == LUA_TFUNCTION || hasCallMetamethod(-1) else {
            throw LuaError.notFound("\(path) is not a function (it is \(typeName(at: -1)))")
        }
        return try callLoaded(arguments: arguments, base: base)
    }

    /// Calls the function on top of the stack (above `base`) with `arguments`.
    private func callLoaded(arguments: [LuaValue], base: Int32) throws(LuaError) -> [LuaValue] {
        guard lua_checkstack(L, Int32(clamping: arguments.count + 8)) != 0 else {
            throw LuaError.memory("no room on the Lua stack for \(arguments.count) arguments")
        }
        for argument in arguments { push(argument) }
        try protectedCall(arguments: Int32(arguments.count), results: outpost_multret())
        var results: [LuaValue] = []
        let top = lua_gettop(L)
        if top > base {
            for index in (base + 1)...top { results.append(try value(at: index)) }
        }
        return results
    }

    /// `lua_pcall` with the limits armed for this one call.
    func protectedCall(arguments: Int32, results: Int32) throws(LuaError) {
        let account = accounting
        account.pointee.refused = 0
        account.pointee.tripped = 0
        account.pointee.cancelled = 0
        account.pointee.cap = limits.memoryCap.map { size_t(max(0, $0)) } ?? 0
        account.pointee.budget = limits.instructionBudget ?? -1
        account.pointee.budget_total = limits.instructionBudget ?? -1
        account.pointee.timeout = limits.timeout ?? 0
        account.pointee.deadline = limits.timeout.map { outpost_monotonic_seconds() + $0 } ?? 0
        account.pointee.enforce = 1
        let status = outpost_pcall(L, arguments, results)
        account.pointee.enforce = 0
        guard status != LUA_OK else { return }
        let message = string(at: -1) ?? "(error object is not a string)"
        outpost_pop(L, 1)
        if status == LUA_ERRMEM || account.pointee.refused != 0 {
            collectGarbage()
            let cap = limits.memoryCap.map { "\($0) bytes" } ?? "the system's"
            throw LuaError.memory("memory cap of \(cap) exceeded (\(message)); the script holds too much data, or raise the memory cap")
        }
        switch account.pointee.tripped {
        case 1: throw LuaError.budget(message)
        case 2: throw LuaError.timeout(message)
        case 3: throw LuaError.cancelled(message)
        default: throw LuaError.runtime(message)
        }
    }

    // MARK: Globals

    /// Pushes the value at a dotted path from the globals (raw lookups; nil when absent).
    func pushGlobal(_ path: String) throws(LuaError) {
        _ = lua_checkstack(L, 4)
        _ = outpost_pushglobaltable(L)
        for part in path.split(separator: ".") {
            guard lua_type(L, -1) == LUA_TTABLE else {
                outpost_pop(L, 1)
                lua_pushnil(L)
                return
            }
            push(.string(String(part)))
            _ = lua_rawget(L, -2)
            lua_rotate(L, -2, 1)
            outpost_pop(L, 1)
        }
    }

    /// Sets a global (raw) to a value.
    public func setGlobal(_ name: String, _ value: LuaValue) {
        _ = lua_checkstack(L, 4)
        _ = outpost_pushglobaltable(L)
        push(.string(name))
        push(value)
        lua_rawset(L, -3)
        outpost_pop(L, 1)
    }

    /// Reads a value at a dotted path from the globals.
    public func global(_ path: String) throws(LuaError) -> LuaValue {
        let base = lua_gettop(L)
        defer { lua_settop(L, base) }
        try pushGlobal(path)
        return try value(at: -1)
    }

    private func hasCallMetamethod(_ index: Int32) -> Bool {
        guard lua_getmetatable(L, index) != 0 else { return false }
        push(.string("__call"))
        let type = lua_rawget(L, -2)
        outpost_pop(L, 2)
        return type == LUA_TFUNCTION
    }

    func typeName(at index: Int32) -> String {
        String(cString: lua_typename(L, lua_type(L, index)))
    }
}

@available(*, unavailable)
extension LuaState: Sendable {}
