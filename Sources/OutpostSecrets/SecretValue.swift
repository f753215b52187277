/// A resolved secret (password, passphrase, app key) that never prints itself.
///
/// `description`, `debugDescription` and the mirror are redacted, so a secret that ends up in a log
/// line, a `dump()` or string interpolation shows `<redacted>`. Read it only where it is used:
/// ``reveal()`` or ``withUnsafeBytes(_:)``.
public struct SecretValue: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// How the value was stored where it came from.
    public enum Origin: Sendable, Equatable {
        /// Written in clear (callers warn, naming the config key).
        case plain
        /// Opened from an `enc:v1:` value.
        case sealed
        /// Read from a file, an environment variable or stdin.
        case external
    }

    private let bytes: [UInt8]
    public let origin: Origin

    /// Wraps plain text (UTF-8).
    public init(_ text: String, origin: Origin = .external) {
        self.bytes = Array(text.utf8)
        self.origin = origin
    }

    /// Wraps bytes as they are.
    public init(bytes: [UInt8], origin: Origin = .external) {
        self.bytes = bytes
        self.origin = origin
    }

    public var isEmpty: Bool { bytes.isEmpty }

    /// Number of bytes (UTF-8), e.g. to check a minimum length.
    public var byteCount: Int { bytes.count }

    /// The secret as text. Call only at the point of use; never log the result.
    public func reveal() -> String { String(decoding: bytes, as: UTF8.self) }

    /// Lends the secret's bytes without making a `String` copy.
    public func withUnsafeBytes<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        try bytes.withUnsafeBytes(body)
    }

    /// Compares with a candidate in time that depends only on the lengths, not on where they differ,
    /// so a caller checking a password does not leak how much of it matched.
    public func constantTimeEquals(_ candidate: some Collection<UInt8>) -> Bool {
        var difference: UInt8 = bytes.count == candidate.count ? 0 : 1
        var index = 0
        for byte in candidate {
            difference |= byte ^ (index < bytes.count ? bytes[index] : 0)
            index += 1
        }
        return difference == 0
    }

    public var description: String { bytes.isEmpty ? "<empty>" : "<redacted>" }
    public var debugDescription: String { "SecretValue(\(description))" }
    public var customMirror: Mirror { Mirror(self, children: ["origin": origin], displayStyle: .struct) }
}
