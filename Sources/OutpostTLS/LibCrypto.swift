internal import COpenSSL

/// The system OpenSSL 3 libcrypto, used where BoringSSL (inside NIOSSL) falls short: decrypting every
/// encrypted key form OpenSSL writes (scrypt, hmacWithSHA384/512, ...) and writing encrypted PKCS#8.
///
/// Files that use libcrypto import nothing else that wraps a C crypto library: a file that sees both
/// `COpenSSL` and `CNIOBoringSSL` binds look-alike functions such as `EVP_PKEY_free` to BoringSSL.
/// Values cross this boundary only as Swift bytes and strings.
enum LibCrypto {
    /// One entry of libcrypto's per-thread error queue.
    struct ErrorEntry: Sendable, CustomStringConvertible {
        /// The library part, e.g. "digital envelope routines".
        var library: String
        /// The reason part, e.g. "bad decrypt", "unsupported".
        var reason: String
        /// Extra text OpenSSL attached, e.g. "Global default library context, Algorithm (RC2-40-CBC : 0)".
        var detail: String

        var description: String { detail.isEmpty ? "\(library): \(reason)" : "\(library): \(reason) (\(detail))" }
    }

    /// Empties the error queue of this thread and returns what was in it, oldest first.
    static func drainErrors() -> [ErrorEntry] {
        var entries: [ErrorEntry] = []
        while true {
            var data: UnsafePointer<CChar>? = nil
            var flags: Int32 = 0
            let code = ERR_get_error_all(nil, nil, nil, &data, &flags)
            if code == 0 { break }
            let reason = ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)"
            let library = ERR_lib_error_string(code).map { String(cString: $0) } ?? ""
            let detail = (flags & ERR_TXT_STRING) != 0 ? (data.map { String(cString: $0) } ?? "") : ""
            entries.append(ErrorEntry(library: library, reason: reason, detail: detail))
        }
        return entries
    }

    /// Clears the error queue before an operation, so what is read afterwards belongs to it.
    static func clearErrors() {
        ERR_clear_error()
    }

    /// Overwrites memory with zeros (`OPENSSL_cleanse`, which the optimiser may not remove).
    static func cleanse(_ bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { buffer in
            if let base = buffer.baseAddress { OPENSSL_cleanse(base, buffer.count) }
        }
        bytes.removeAll()
    }

    /// Copies the contents of a memory BIO out, cleansing the BIO's buffer afterwards.
    static func takeContents(of bio: OpaquePointer) -> [UInt8] {
        var data: UnsafeMutablePointer<CChar>? = nil
        let length = outpost_BIO_get_mem_data(bio, &data)
        guard length > 0, let data else { return [] }
        let bytes = [UInt8](UnsafeRawBufferPointer(start: data, count: length))
        OPENSSL_cleanse(data, length)
        return bytes
    }

    /// Runs `body` with a read-only memory BIO over `bytes` (no copy; the BIO dies with the call).
    static func withReadBIO<Result>(_ bytes: [UInt8], _ body: (OpaquePointer) -> Result?) -> Result? {
        bytes.withUnsafeBytes { buffer -> Result? in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            return body(bio)
        }
    }

    /// Parses an unencrypted PKCS#8 (or other DER) private key into an `EVP_PKEY`; caller frees.
    static func privateKey(fromDER der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBytes { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            return d2i_AutoPrivateKey(nil, &cursor, buffer.count)
        }
    }

    /// Parses a DER certificate into an `X509`; caller frees.
    static func certificate(fromDER der: [UInt8]) -> OpaquePointer? {
        der.withUnsafeBytes { buffer -> OpaquePointer? in
            guard let base = buffer.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
            var cursor: UnsafePointer<UInt8>? = base
            return d2i_X509(nil, &cursor, buffer.count)
        }
    }
}
