import Crypto

/// MD5 for `tw_dir.calculateMD5` and `getFileInfo(file, true)`: the original API's file change
/// detector, not a security function, hence swift-crypto's `Insecure` namespace.
enum MD5Digest {
    /// Lower-case hex digest of `bytes`.
    static func hex(_ bytes: [UInt8]) -> String {
        Insecure.MD5.hash(data: bytes).map { byte in
            let text = String(byte, radix: 16)
            return byte < 0x10 ? "0" + text : text
        }.joined()
    }
}
