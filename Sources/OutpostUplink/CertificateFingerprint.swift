import Crypto

/// SHA-256 fingerprints as operators write them: 64 hex digits, with or without colons, any case.
public enum CertificateFingerprint {
    /// Lower-case hex without colons, or nil if `text` is not a SHA-256 fingerprint.
    public static func normalize(_ text: String) -> String? {
        let hex = text.filter { $0 != ":" && !$0.isWhitespace }.lowercased()
        guard hex.count == 64, hex.allSatisfy(\.isHexDigit) else { return nil }
        return hex
    }

    /// The fingerprint of a DER certificate, lower-case hex without colons.
    public static func sha256(der: [UInt8]) -> String {
        SHA256.hash(data: der).map { byte in
            let digits = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }

    /// `AB:CD:…`, as `openssl x509 -fingerprint -sha256` prints it.
    public static func display(_ normalized: String) -> String {
        var parts: [String] = []
        var index = normalized.startIndex
        while index < normalized.endIndex {
            let next = normalized.index(index, offsetBy: 2, limitedBy: normalized.endIndex) ?? normalized.endIndex
            parts.append(normalized[index..<next].uppercased())
            index = next
        }
        return parts.joined(separator: ":")
    }
}
