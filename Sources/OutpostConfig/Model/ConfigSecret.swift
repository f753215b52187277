/// A secret-bearing config value (app key, password, passphrase) exactly as written in the file.
///
/// The config layer does no I/O, so it never opens sealed values; it only tells their form apart, so
/// that `validate` can warn about plain text and reject values nobody can open. Printing one never
/// shows the value.
public struct ConfigSecret: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// How the value is stored.
    public enum Form: Sendable, Equatable {
        /// Used as written; works, but is warned about at start-up.
        case plain
        /// `enc:v1:` sealed with this install's key file (`outpost secret encrypt`).
        case sealed
        /// `AES:` from the original EMS: encrypted with PTC's compiled-in key, which Outpost does not have.
        case legacyAES
    }

    public static let sealedPrefix = "enc:v1:"
    public static let legacyPrefix = "AES:"

    /// The raw text from the file. Only secret resolution (in `OutpostSecrets`) should read it.
    public let rawValue: String

    public init(_ rawValue: String) {
        self.rawValue = rawValue
    }

    public var form: Form {
        if rawValue.hasPrefix(Self.sealedPrefix) { return .sealed }
        if rawValue.hasPrefix(Self.legacyPrefix) { return .legacyAES }
        return .plain
    }

    public var isEmpty: Bool { rawValue.isEmpty }

    public var description: String {
        switch form {
        case .plain: return rawValue.isEmpty ? "<empty>" : "<redacted>"
        case .sealed: return "<sealed enc:v1>"
        case .legacyAES: return "<legacy AES>"
        }
    }

    public var debugDescription: String { "ConfigSecret(\(description))" }

    public var customMirror: Mirror { Mirror(self, children: ["form": "\(form)"]) }
}
