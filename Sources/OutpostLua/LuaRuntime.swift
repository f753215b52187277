public import Logging

/// A Lua state on its own dedicated thread, used through async calls.
///
/// Every operation is a job on that thread, so callers on Swift's cooperative pool never block and the
/// state is never used by two threads. A failing call (script error, budget, memory cap, timeout) throws a
/// ``LuaError`` for that call only; the state stays usable afterwards.
public final class LuaRuntime: Sendable {
    public struct Options: Sendable {
        public var limits: LuaLimits
        /// Where `require` finds modules; nil: nowhere.
        public var scriptsDirectory: String?
        /// Remove io, os.execute & co., debug, dofile/loadfile, bytecode loading (default true).
        public var sandbox: Bool
        public var logger: Logger
        /// Where `tw_ems.*`, `server.*` and `tw_http.*` requests go and `tw_script` finds its list; nil: they answer 503.
        public var bridge: (any LuaHostBridge)?
        /// The only directory `tw_dir.*` may write in (it may also read `scriptsDirectory`); nil: none.
        public var dataDirectory: String?

        public init(
            limits: LuaLimits = .default, scriptsDirectory: String? = nil, sandbox: Bool = true, logger: Logger,
            bridge: (any LuaHostBridge)? = nil, dataDirectory: String? = nil
        ) {
            self.dataDirectory = dataDirectory
            self.limits = limits
            self.scriptsDirectory = scriptsDirectory
            self.sandbox = sandbox
            self.logger = logger
            self.bridge = bridge
        }
    }

    /// Holds the state; only ever read or written on the worker thread.
    private final class StateBox: @unchecked Sendable {
        var state: LuaState?
    }

    private let worker: LuaWorkerThread
    private let box = StateBox()
    public let name: String
    private let sleepSignal = LuaSleepSignal()

    /// Ends any `tw_utils.psleep` now and makes later ones return at once: called from any thread when
    /// the thing is stopping, before queueing work that would otherwise wait behind the sleep.
    public func interruptSleeps() {
        sleepSignal.stop()
    }

    /// True while a script is inside `tw_utils.psleep` (for monitoring and tests).
    public var isSleeping: Bool { sleepSignal.isSleeping }

    /// Starts the thread and creates the state (standard libraries, sandbox, shims, framework) on it.
    public init(name: String = "lua", options: Options) async throws(LuaError) {
        self.name = name
        worker = LuaWorkerThread(name: "outpost-lua-\(name)")
        let box = self.box
        let sleepSignal = self.sleepSignal
        try await run { () throws(LuaError) in
            let state = try LuaState(limits: options.limits, logger: options.logger,
                                     scriptsDirectory: options.scriptsDirectory, sandbox: options.sandbox)
            state.bridge = options.bridge
            state.fileSandbox = LuaFileSandbox(dataDirectory: options.dataDirectory, scriptsDirectory: options.scriptsDirectory)
            state.sleepSignal = sleepSignal
            box.state = state
        }
    }

    deinit {
        let box = self.box
        worker.stop { box.state = nil }
    }

    /// Closes the state and ends the thread; later calls throw ``LuaError`` `.closed`.
    public func shutdown() {
        let box = self.box
        sleepSignal.stop()
        worker.stop { box.state = nil }
    }

    /// Runs `body` with the state on the runtime's thread.
    public func withState<T: Sendable>(_ body: @escaping @Sendable (LuaState) throws(LuaError) -> T) async throws(LuaError) -> T {
        let box = self.box
        return try await run { () throws(LuaError) -> T in
            guard let state = box.state else { throw LuaError.closed }
            return try body(state)
        }
    }

    /// Calls a global function (dotted path allowed) and returns its results.
    @discardableResult
    public func call(_ function: String, _ arguments: [LuaValue] = []) async throws(LuaError) -> [LuaValue] {
        try await withState { state throws(LuaError) in try state.call(function, arguments) }
    }

    /// Loads and runs a chunk of text; `chunkName` appears in messages (`@file.lua` → `file.lua:3:`).
    @discardableResult
    public func execute(_ source: String, chunkName: String = "=chunk") async throws(LuaError) -> [LuaValue] {
        try await withState { state throws(LuaError) in try state.execute(source, chunkName: chunkName) }
    }

    /// Changes the limits for later calls.
    public func setLimits(_ limits: LuaLimits) async throws(LuaError) {
        try await withState { state in state.limits = limits }
    }

    private func run<T: Sendable>(_ job: @escaping @Sendable () throws(LuaError) -> T) async throws(LuaError) -> T {
        let result: Result<T, LuaError> = await withCheckedContinuation { continuation in
            let accepted = worker.submit {
                do throws(LuaError) {
                    continuation.resume(returning: .success(try job()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            if !accepted { continuation.resume(returning: .failure(LuaError.closed)) }
        }
        return try result.get()
    }
}
