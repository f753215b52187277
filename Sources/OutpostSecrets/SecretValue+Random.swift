extension SecretValue {
    /// A new random secret: `byteCount` bytes from the system CSPRNG, as unpadded base64url text, so it
    /// can be typed, pasted into JSON and passed to `openssl -passin pass:` without quoting.
    public static func random(byteCount: Int = 32) -> SecretValue {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var raw = (0..<byteCount).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        defer { ProtectedFile.wipe(&raw) }
        var text: [UInt8] = []
        var index = 0
        while index < raw.count {
            let chunk = raw[index..<min(index + 3, raw.count)]
            var bits: UInt32 = 0
            for (offset, byte) in chunk.enumerated() { bits |= UInt32(byte) << (16 - 8 * offset) }
            for position in 0...chunk.count { text.append(alphabet[Int((bits >> (18 - 6 * position)) & 0x3F)]) }
            index += 3
        }
        return SecretValue(bytes: text, origin: .external)
    }
}
