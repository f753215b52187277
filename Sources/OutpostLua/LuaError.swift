/// Why a Lua operation failed, with a message a person can act on.
///
/// Script errors carry the `file:line:` prefix Lua gives them; limit errors say which limit and its value,
/// so the operator knows whether to fix the script or raise the limit.
public struct LuaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable, Equatable {
        /// A syntax error while loading a chunk.
        case syntax
        /// A runtime error raised by the script (or by a library function it called).
        case runtime
        /// The call ran out of its instruction budget.
        case instructionBudget
        /// The call ran past its wall-clock timeout.
        case timeout
        /// The state's memory cap refused an allocation.
        case memory
        /// A value could not be converted between Lua and Swift.
        case conversion
        /// A script, template or function was not found.
        case notFound
        /// The runtime was shut down.
        case closed
        /// The call was cancelled.
        case cancelled
    }

    public let kind: Kind
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    static func syntax(_ message: String) -> LuaError { LuaError(.syntax, message) }
    static func runtime(_ message: String) -> LuaError { LuaError(.runtime, message) }
    static func budget(_ message: String) -> LuaError { LuaError(.instructionBudget, message) }
    static func timeout(_ message: String) -> LuaError { LuaError(.timeout, message) }
    static func memory(_ message: String) -> LuaError { LuaError(.memory, message) }
    static func conversion(_ message: String) -> LuaError { LuaError(.conversion, message) }
    static func notFound(_ message: String) -> LuaError { LuaError(.notFound, message) }
    static func cancelled(_ message: String) -> LuaError { LuaError(.cancelled, message) }
    static let closed = LuaError(.closed, "the Lua runtime has been shut down; create a new one")
}
