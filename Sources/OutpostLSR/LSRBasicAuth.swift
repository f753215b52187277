import Foundation
public import OutpostSecrets

/// HTTP Basic verification for the callback listener: the presented `user:password` is compared with the
/// configured one in constant time, and the password is never logged or echoed.
public struct LSRBasicAuth: Sendable {
    private let expected: SecretValue
    let realm: String

    public init(user: String, password: SecretValue, realm: String = "Outpost script resource") {
        var bytes = Array(user.utf8)
        bytes.append(UInt8(ascii: ":"))
        password.withUnsafeBytes { bytes.append(contentsOf: $0) }
        expected = SecretValue(bytes: bytes)
        self.realm = realm
    }

    /// True when `authorization` is `Basic <base64(user:password)>` with the right credentials.
    func accepts(authorization: String?) -> Bool {
        guard let authorization else { return false }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic", parts[1].utf8.count <= 4096,
            let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces))
        else { return false }
        return expected.constantTimeEquals(Array(decoded))
    }

    /// `Basic realm="…", charset="UTF-8"` (RFC 7617).
    var challenge: String { "Basic realm=\"\(realm)\", charset=\"UTF-8\"" }
}
