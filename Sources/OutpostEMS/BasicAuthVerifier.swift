import Crypto
import Foundation
public import OutpostSecrets

/// HTTP Basic verification without bcrypt on the request path (`swift-notes.md` gotcha 6): keeps the
/// SHA-256 digest of `user:password` and compares the digest of the presented credentials in constant
/// time. The password itself is not kept.
///
/// Every request is checked, so the usual case is made cheap: the digest of the canonical Base64 token
/// (`Basic dXNlcjpwYXNz`) is kept too, and a presented token is hashed as it is, without decoding. A
/// token that does not match that way (another Base64 spelling, or wrong credentials) is decoded and
/// compared by the digest of `user:password`.
public struct BasicAuthVerifier: Sendable {
    private let digest: SHA256.Digest
    private let tokenDigest: SHA256.Digest
    let realm: String

    public init(user: String, password: SecretValue, realm: String = "Outpost EMS") {
        var credentials = Array(user.utf8)
        credentials.append(UInt8(ascii: ":"))
        password.withUnsafeBytes { credentials.append(contentsOf: $0) }
        self.digest = SHA256.hash(data: credentials)
        var token = Array(Data(credentials).base64EncodedString().utf8)
        self.tokenDigest = SHA256.hash(data: token)
        for index in credentials.indices { credentials[index] = 0 }
        for index in token.indices { token[index] = 0 }
        self.realm = realm
    }

    enum Outcome: Equatable {
        case accepted
        /// No or non-Basic `Authorization` header.
        case missing
        case rejected
    }

    func verify(authorization: String?) -> Outcome {
        guard var header = authorization else { return .missing }
        return header.withUTF8 { bytes in
            guard let token = Self.basicToken(bytes) else { return .missing }
            guard token.count <= 4096 else { return .rejected }
            if Self.equal(SHA256.hash(data: UnsafeRawBufferPointer(token)), tokenDigest) { return .accepted }
            guard let decoded = Data(base64Encoded: Data(token)) else { return .rejected }
            return Self.equal(SHA256.hash(data: decoded), digest) ? .accepted : .rejected
        }
    }

    /// The token of `Basic <token>` (scheme case-insensitive, surrounding spaces and tabs ignored);
    /// nil when the scheme is not Basic or no token follows.
    static func basicToken(_ bytes: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8>? {
        func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var start = 0
        while start < bytes.count, bytes[start] == UInt8(ascii: " ") { start += 1 }
        let scheme: StaticString = "basic"
        let schemeLength = scheme.utf8CodeUnitCount
        guard bytes.count - start > schemeLength else { return nil }
        for offset in 0..<schemeLength where bytes[start + offset] | 0x20 != scheme.utf8Start[offset] { return nil }
        var tokenStart = start + schemeLength
        guard bytes[tokenStart] == UInt8(ascii: " ") else { return nil }
        while tokenStart < bytes.count, isBlank(bytes[tokenStart]) { tokenStart += 1 }
        var tokenEnd = bytes.count
        while tokenEnd > tokenStart, isBlank(bytes[tokenEnd - 1]) { tokenEnd -= 1 }
        guard tokenEnd > tokenStart else { return nil }
        return UnsafeBufferPointer(rebasing: bytes[tokenStart..<tokenEnd])
    }

    /// Constant-time comparison of two digests (no arrays: this runs for every request).
    private static func equal(_ lhs: SHA256.Digest, _ rhs: SHA256.Digest) -> Bool {
        lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                var difference: UInt8 = 0
                for index in 0..<SHA256.Digest.byteCount { difference |= left[index] ^ right[index] }
                return difference == 0
            }
        }
    }

    /// `Basic realm="…", charset="UTF-8"` (RFC 7617).
    var challenge: String { "Basic realm=\"\(realm)\", charset=\"UTF-8\"" }
}
