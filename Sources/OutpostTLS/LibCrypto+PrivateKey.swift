internal import COpenSSL
import OutpostSecrets

extension LibCrypto {
    /// A private key decrypted and re-encoded as unencrypted PKCS#8 DER. The caller must wipe `der`
    /// (``LibCrypto/cleanse(_:)``) once it has been handed on.
    struct DecodedKey {
        var der: [UInt8]
        /// e.g. "EC P-256", "RSA 2048", "Ed25519".
        var typeDescription: String
    }

    /// Why libcrypto could not decode a key, with the whole error queue.
    struct DecodeFailure: Error {
        var errors: [ErrorEntry]
        /// How often the passphrase callback ran (0: OpenSSL never asked).
        var passphraseRequests: Int

        func contains(reason: String) -> Bool { errors.contains { $0.reason == reason } }
        /// An algorithm (cipher, PRF, KDF) was not available, as opposed to a decoding failure.
        var isUnsupportedAlgorithm: Bool {
            errors.contains { entry in
                entry.library == "digital envelope routines"
                    && (entry.reason == "unsupported" || entry.reason.hasPrefix("unsupported ")
                        || entry.reason.hasPrefix("unknown cipher") || entry.reason == "unsupported prf")
            } || errors.contains { $0.reason.hasPrefix("unsupported cipher") || $0.reason.hasPrefix("unknown cipher") }
        }
    }

    /// Decodes one PEM private key block (any form OpenSSL 3 reads), decrypting it with `passphrase`.
    ///
    /// A passphrase callback is always installed, so OpenSSL never prompts on the terminal; without
    /// a passphrase it refuses and OpenSSL reports "bad password read".
    static func decodePrivateKey(pem: [UInt8], passphrase: SecretValue?) -> Result<DecodedKey, DecodeFailure> {
        clearErrors()
        var requests: Int32 = 0
        let key: OpaquePointer? = withPassphrase(passphrase) { callbackData in
            let key = withReadBIO(pem) { bio in
                PEM_read_bio_PrivateKey(bio, nil, outpost_passphrase_callback_pointer(), callbackData)
            }
            requests = callbackData.pointee.calls
            return key
        }
        guard let key else {
            return .failure(DecodeFailure(errors: drainErrors(), passphraseRequests: Int(requests)))
        }
        defer { EVP_PKEY_free(key) }
        guard let output = BIO_new(BIO_s_secmem()) else {
            return .failure(DecodeFailure(errors: drainErrors(), passphraseRequests: Int(requests)))
        }
        defer { BIO_free(output) }
        guard i2d_PKCS8PrivateKey_bio(output, key, nil, nil, 0, nil, nil) == 1 else {
            return .failure(DecodeFailure(errors: drainErrors(), passphraseRequests: Int(requests)))
        }
        let der = takeContents(of: output)
        return .success(DecodedKey(der: der, typeDescription: describe(key)))
    }

    /// Encrypts an unencrypted PKCS#8 DER key as PEM `ENCRYPTED PRIVATE KEY`: PBES2 with
    /// PBKDF2-HMAC-SHA256 (OpenSSL 3's default PRF) and AES-256-CBC, which BoringSSL reads as well.
    static func encryptPrivateKey(
        der: [UInt8], passphrase: SecretValue, iterations: Int
    ) -> Result<String, DecodeFailure> {
        clearErrors()
        let failure = { DecodeFailure(errors: drainErrors(), passphraseRequests: 0) }
        guard let key = privateKey(fromDER: der) else { return .failure(failure()) }
        defer { EVP_PKEY_free(key) }
        guard let info = EVP_PKEY2PKCS8(key) else { return .failure(failure()) }
        defer { PKCS8_PRIV_KEY_INFO_free(info) }
        let encrypted: OpaquePointer? = passphrase.withUnsafeBytes { secret in
            PKCS8_encrypt(
                -1, EVP_aes_256_cbc(), secret.baseAddress?.assumingMemoryBound(to: CChar.self), Int32(secret.count),
                nil, 0, Int32(iterations), info)
        }
        guard let encrypted else { return .failure(failure()) }
        defer { X509_SIG_free(encrypted) }
        guard let output = BIO_new(BIO_s_mem()) else { return .failure(failure()) }
        defer { BIO_free(output) }
        guard PEM_write_bio_PKCS8(output, encrypted) == 1 else { return .failure(failure()) }
        return .success(String(decoding: takeContents(of: output), as: UTF8.self))
    }

    /// "EC P-256", "RSA 2048", "Ed25519", or libcrypto's own type name.
    static func describe(_ key: OpaquePointer) -> String {
        let typeName = EVP_PKEY_get0_type_name(key).map { String(cString: $0) } ?? "unknown"
        switch typeName {
        case "EC":
            var name = [CChar](repeating: 0, count: 80)
            var length = 0
            guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else { return "EC" }
            let group = String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            let curves = ["prime256v1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"]
            return "EC \(curves[group] ?? group)"
        case "RSA", "RSA-PSS", "DSA":
            return "\(typeName) \(EVP_PKEY_get_bits(key))"
        case "ED25519": return "Ed25519"
        case "ED448": return "Ed448"
        default: return typeName
        }
    }

    /// Runs `body` with the callback's user data for `passphrase` (nil: the callback refuses).
    private static func withPassphrase<Result>(
        _ passphrase: SecretValue?, _ body: (UnsafeMutablePointer<outpost_passphrase>) -> Result
    ) -> Result {
        var data = outpost_passphrase(data: nil, length: 0, calls: 0)
        guard let passphrase else { return body(&data) }
        return passphrase.withUnsafeBytes { secret in
            data.data = secret.baseAddress?.assumingMemoryBound(to: CChar.self)
            data.length = Int32(secret.count)
            return body(&data)
        }
    }
}

extension LibCrypto {
    /// Which certificate (DER) belongs to the private key (unencrypted PKCS#8 DER), if any.
    ///
    /// Uses `X509_check_private_key`, which compares the public parts for every key type. On no match
    /// returns libcrypto's reason for the first certificate ("key values mismatch", "different key types").
    static func certificateIndex(matching keyDER: [UInt8], among certificates: [[UInt8]]) -> (index: Int?, reason: String) {
        clearErrors()
        guard let key = privateKey(fromDER: keyDER) else { return (nil, "the key could not be re-read") }
        defer { EVP_PKEY_free(key) }
        var firstReason: String?
        for (index, der) in certificates.enumerated() {
            guard let certificate = certificate(fromDER: der) else { continue }
            defer { X509_free(certificate) }
            if X509_check_private_key(certificate, key) == 1 {
                clearErrors()
                return (index, "")
            }
            let errors = drainErrors()
            if firstReason == nil { firstReason = errors.last?.reason ?? "key values mismatch" }
        }
        return (nil, firstReason ?? "key values mismatch")
    }
}
