import Crypto
import Foundation
public import OutpostSecrets

/// HTTP Basic verification without bcrypt on the request path (`swift-notes.md` gotcha 6): keeps the
/// SHA-256 digest of `user:password` and compares the digest of the presented credentials in constant
/// time. The password itself is not kept.
public struct BasicAuthVerifier: Sendable {
    private let digest: [UInt8]
    let realm: String

    public init(user: String, password: SecretValue, realm: String = "Outpost EMS") {
        var hasher = SHA256()
        hasher.update(data: Array(user.utf8))
        hasher.update(data: [UInt8(ascii: ":")])
        password.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        self.digest = Array(hasher.finalize())
        self.realm = realm
    }

    enum Outcome: Equatable {
        case accepted
        /// No or non-Basic `Authorization` header.
        case missing
        case rejected
    }

    func verify(authorization: String?) -> Outcome {
        guard let authorization else { return .missing }
        let parts = authorization.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "basic" else { return .missing }
        guard parts[1].utf8.count <= 4096, let decoded = Data(base64Encoded: String(parts[1]).trimmingCharacters(in: .whitespaces)) else {
            return .rejected
        }
        let presented = Array(SHA256.hash(data: decoded))
        var difference: UInt8 = 0
        for index in 0..<digest.count { difference |= digest[index] ^ presented[index] }
        return difference == 0 ? .accepted : .rejected
    }

    /// `Basic realm="…", charset="UTF-8"` (RFC 7617).
    var challenge: String { "Basic realm=\"\(realm)\", charset=\"UTF-8\"" }
}
