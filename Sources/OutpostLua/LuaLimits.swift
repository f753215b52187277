/// Limits applied to every call into a state, so a runaway loop, a memory bomb or a stuck script fails
/// *that call* instead of the gateway.
public struct LuaLimits: Sendable, Equatable {
    /// VM instructions one call may execute; nil = unlimited. Counted in steps of ``hookGranularity``.
    public var instructionBudget: Int64?
    /// Bytes the whole state may hold; nil = unlimited. Enforced only while Lua code runs.
    public var memoryCap: Int?
    /// Seconds one call may run; nil = unlimited. Checked every ``hookGranularity`` instructions, so time
    /// spent blocked inside a library function is only noticed when it returns.
    public var timeout: Double?
    /// Instructions between two limit checks.
    public var hookGranularity: Int32

    public init(instructionBudget: Int64? = 50_000_000, memoryCap: Int? = 64 << 20, timeout: Double? = 10, hookGranularity: Int32 = 1_000) {
        self.instructionBudget = instructionBudget
        self.memoryCap = memoryCap
        self.timeout = timeout
        self.hookGranularity = hookGranularity
    }

    /// The default: 50 million instructions, 64 MiB, 10 s per call.
    public static let `default` = LuaLimits()
    public static let unlimited = LuaLimits(instructionBudget: nil, memoryCap: nil, timeout: nil)
}
