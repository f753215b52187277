public import NIOSSL
import OutpostSecrets

/// A private key loaded from a PEM file, decrypted in memory and ready for NIOSSL.
///
/// Reads unencrypted PKCS#8, PKCS#1 (`RSA PRIVATE KEY`), SEC1 (`EC PRIVATE KEY`), encrypted PKCS#8 in
/// every form OpenSSL 3 writes (PBES2 with any PBKDF2 PRF or scrypt, AES or 3DES, PBES1) and
/// traditional `Proc-Type: 4,ENCRYPTED` PEM, alone or inside a file that also holds certificates.
/// Decryption uses the system libcrypto (BoringSSL lacks scrypt and the SHA-384/512 PRFs); the
/// plain key exists only in memory, as PKCS#8 DER handed to `NIOSSLPrivateKey`, then is cleansed.
///
/// Blocking (file I/O, and scrypt costs about 80 ms): call at start-up or on a thread pool.
public struct PrivateKeyFile: Sendable {
    /// The file the key was read from.
    public let path: String
    /// The key, for `TLSConfiguration.privateKey = .privateKey(key)`.
    public let key: NIOSSLPrivateKey
    /// e.g. "EC P-256", "RSA 2048", "Ed25519".
    public let typeDescription: String
    /// How the key was encrypted on disk, e.g. "PBES2 (scrypt, aes-256-cbc)"; nil if it was not.
    public let encryption: String?
    /// Findings such as a key file readable by group or others.
    public let warnings: [TLSWarning]

    /// True if the key was stored encrypted (the EMS refuses unencrypted server keys).
    public var wasEncrypted: Bool { encryption != nil }

    /// Loads the one private key in `path`.
    public static func load(_ path: String, passphrase: PassphraseSource) throws(TLSMaterialError) -> PrivateKeyFile {
        try withDecodedKey(path, passphrase: passphrase) { file, _ in file }
    }

    /// Loads the key and lends its unencrypted PKCS#8 DER to `body`; the bytes are cleansed after.
    static func withDecodedKey<Result>(
        _ path: String, passphrase: PassphraseSource,
        _ body: (PrivateKeyFile, [UInt8]) throws(TLSMaterialError) -> Result
    ) throws(TLSMaterialError) -> Result {
        var contents = try TLSMaterialError.read("private key file", at: path)
        defer { ProtectedFile.wipe(&contents.bytes) }
        let block = try keyBlock(in: PEMBlock.scan(contents.bytes), path: path)
        let encryption = describeEncryption(of: block)
        let secret = try passphrase.resolve()
        if let encryption, secret == nil {
            throw TLSMaterialError(
                .passphraseRequired,
                "the private key in \(path) is encrypted (\(encryption)) but no passphrase was given")
        }
        var pem = Array(block.pemText.utf8)
        defer { ProtectedFile.wipe(&pem) }
        var decoded: LibCrypto.DecodedKey
        switch LibCrypto.decodePrivateKey(pem: pem, passphrase: encryption == nil ? nil : secret) {
        case .success(let key): decoded = key
        case .failure(let failure): throw decodeError(failure, block: block, encryption: encryption, path: path)
        }
        defer { LibCrypto.cleanse(&decoded.der) }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(bytes: decoded.der, format: .der)
        } catch {
            throw TLSMaterialError(
                .unsupportedKeyType,
                "the private key in \(path) (\(decoded.typeDescription)) cannot be used for TLS: \(error)")
        }
        var warnings: [TLSWarning] = []
        if contents.isAccessibleByOthers {
            warnings.append(
                TLSWarning(
                    .keyFileAccessibleByOthers, path: path,
                    message: "private key file \(path) is accessible by group or others (mode "
                        + "\(String(contents.mode, radix: 8))); restrict it with chmod 600 \(path)"))
        }
        let file = PrivateKeyFile(
            path: path, key: key, typeDescription: decoded.typeDescription, encryption: encryption, warnings: warnings)
        return try body(file, decoded.der)
    }

    /// The single private key block of a scanned file, or the error that says what is there instead.
    private static func keyBlock(in scan: PEMBlock.Scan, path: String) throws(TLSMaterialError) -> PEMBlock {
        let keys = scan.blocks.filter(\.isPrivateKey)
        if keys.isEmpty {
            if let unterminated = scan.unterminated, PEMBlock.privateKeyLabels.contains(unterminated.label) {
                throw TLSMaterialError(
                    .damaged,
                    "private key file \(path) is truncated: the \(unterminated.label) block at line "
                        + "\(unterminated.line) has no END line")
            }
            throw TLSMaterialError(.notAKey, "\(path) holds no private key (found: \(scan.inventory))")
        }
        guard keys.count == 1, let block = keys.first else {
            throw TLSMaterialError(
                .multipleKeys, "\(path) holds \(keys.count) private keys; keep only the one that matches the certificate")
        }
        guard block.der != nil else {
            throw TLSMaterialError(
                .damaged, "the \(block.label) block in \(path) (line \(block.line)) is not valid base64; the file is damaged")
        }
        return block
    }

    private static func describeEncryption(of block: PEMBlock) -> String? {
        guard block.isEncrypted else { return nil }
        if block.label == "ENCRYPTED PRIVATE KEY" {
            return block.der.flatMap { PrivateKeyEncryption.describe(encryptedPKCS8: $0) } ?? "PKCS#8 encryption"
        }
        return PrivateKeyEncryption.describe(dekInfo: block.header("DEK-Info"))
    }

    private static func decodeError(
        _ failure: LibCrypto.DecodeFailure, block: PEMBlock, encryption: String?, path: String
    ) -> TLSMaterialError {
        guard let encryption else {
            let reason = failure.errors.last?.reason ?? "unknown error"
            return TLSMaterialError(
                .damaged,
                "the \(block.label) block in \(path) (line \(block.line)) is not a valid private key (libcrypto: \(reason))")
        }
        if failure.isUnsupportedAlgorithm {
            return TLSMaterialError(
                .unsupportedAlgorithm,
                "the private key in \(path) is encrypted with \(encryption), which is not supported; re-encrypt it "
                    + "with: openssl pkcs8 -topk8 -v2 aes-256-cbc -in \(path) -out new-key.pem")
        }
        if failure.contains(reason: "bad password read") {
            return TLSMaterialError(
                .passphraseUnavailable, "the passphrase for the private key in \(path) is empty or longer than 1023 bytes")
        }
        // "bad decrypt" is the usual sign; about one wrong passphrase in 256 passes the padding check
        // and fails later as an ASN.1 error instead, which is still a wrong passphrase.
        return TLSMaterialError(.wrongPassphrase, "wrong passphrase for the private key in \(path) (\(encryption))")
    }
}
