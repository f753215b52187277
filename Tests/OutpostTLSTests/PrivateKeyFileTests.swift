import Foundation
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// Every key form OpenSSL 3 writes loads with the right passphrase and fails with its own error otherwise.
@Suite(.blockingWork)
struct PrivateKeyFileTests {
    static let passphrase = "correct horse battery staple"

    /// An encrypted key of `variant` with its certificate.
    private func fixture(_ variant: KeyVariant) throws -> (Workspace, key: String, cert: String) {
        let workspace = try Workspace()
        try workspace.makeECKey("plain.pem")
        let cert = try workspace.makeSelfSigned(key: "plain.pem", commonName: "device-1", name: "cert.pem")
        let key = try workspace.encrypt("plain.pem", as: variant, passphrase: Self.passphrase, name: "key.pem")
        return (workspace, key, cert)
    }

    @Test(arguments: KeyVariant.allCases)
    func load_encryptedVariantWithRightPassphrase_succeedsAndNamesEncryption(_ variant: KeyVariant) throws {
        let (workspace, key, cert) = try fixture(variant)
        let identity = try TLSIdentity.load(
            certificateFile: cert, keyFile: key, passphrase: .value(SecretValue(Self.passphrase)))
        #expect(identity.keyDescription == "EC P-256")
        #expect(identity.keyEncryption?.contains(variant.expectedDescription) == true, "\(identity.keyEncryption ?? "nil")")
        #expect(identity.summary.commonName == "device-1")
        #expect(identity.warnings.isEmpty)
        withExtendedLifetime(workspace) {}
    }

    @Test(arguments: KeyVariant.allCases)
    func load_encryptedVariantWithWrongPassphrase_failsWithWrongPassphrase(_ variant: KeyVariant) throws {
        let (workspace, key, _) = try fixture(variant)
        let error = #expect(throws: TLSMaterialError.self) {
            try PrivateKeyFile.load(key, passphrase: .value(SecretValue("not the passphrase")))
        }
        #expect(error?.code == .wrongPassphrase)
        #expect(error?.message.contains(key) == true)
        #expect(error?.message.contains(Self.passphrase) == false)
        withExtendedLifetime(workspace) {}
    }

    @Test(arguments: KeyVariant.allCases)
    func load_encryptedVariantWithoutPassphrase_failsWithPassphraseRequired(_ variant: KeyVariant) throws {
        let (workspace, key, _) = try fixture(variant)
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(key, passphrase: .none) }
        #expect(error?.code == .passphraseRequired)
        #expect(error?.message.contains(key) == true)
        withExtendedLifetime(workspace) {}
    }

    @Test func load_wrongPassphraseManyTimes_isAlwaysWrongPassphrase() throws {
        // About one wrong passphrase in 256 gets past the CBC padding check and fails as an ASN.1
        // error instead; it must still be reported as a wrong passphrase.
        let (workspace, key, _) = try fixture(.pbes2AES128)
        for attempt in 0..<300 {
            let error = #expect(throws: TLSMaterialError.self) {
                try PrivateKeyFile.load(key, passphrase: .value(SecretValue("wrong-\(attempt)")))
            }
            #expect(error?.code == .wrongPassphrase, "attempt \(attempt): \(error?.message ?? "")")
        }
        withExtendedLifetime(workspace) {}
    }

    @Test func load_unencryptedPKCS8_succeedsAndReportsNoEncryption() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        let loaded = try PrivateKeyFile.load(key, passphrase: .none)
        #expect(loaded.typeDescription == "EC P-256")
        #expect(!loaded.wasEncrypted)
    }

    @Test func load_unencryptedPKCS8WithPassphraseGiven_ignoresPassphrase() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        let loaded = try PrivateKeyFile.load(key, passphrase: .value(SecretValue("unused")))
        #expect(!loaded.wasEncrypted)
    }

    @Test func load_traditionalRSAPKCS1_succeeds() throws {
        let workspace = try Workspace()
        try workspace.openssl(["genrsa", "-traditional", "-out", "rsa.pem", "2048"])
        #expect(try workspace.read("rsa.pem").contains("BEGIN RSA PRIVATE KEY"))
        let loaded = try PrivateKeyFile.load(workspace.file("rsa.pem"), passphrase: .none)
        #expect(loaded.typeDescription == "RSA 2048")
    }

    @Test func load_encryptedTraditionalRSAPKCS1_succeedsWithPassphrase() throws {
        let workspace = try Workspace()
        try workspace.openssl([
            "genrsa", "-traditional", "-aes256", "-passout", "pass:\(Self.passphrase)", "-out", "rsa.pem", "2048",
        ])
        #expect(try workspace.read("rsa.pem").contains("Proc-Type: 4,ENCRYPTED"))
        let loaded = try PrivateKeyFile.load(workspace.file("rsa.pem"), passphrase: .value(SecretValue(Self.passphrase)))
        #expect(loaded.typeDescription == "RSA 2048")
        #expect(loaded.encryption == "traditional PEM encryption (aes-256-cbc)")
    }

    @Test func load_sec1ECKey_succeeds() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("plain.pem")
        try workspace.openssl(["ec", "-in", "plain.pem", "-out", "sec1.pem"])
        #expect(try workspace.read("sec1.pem").contains("BEGIN EC PRIVATE KEY"))
        let loaded = try PrivateKeyFile.load(workspace.file("sec1.pem"), passphrase: .none)
        #expect(loaded.typeDescription == "EC P-256")
    }

    @Test func load_sec1WithECParametersBlock_succeeds() throws {
        let workspace = try Workspace()
        try workspace.openssl(["ecparam", "-name", "prime256v1", "-genkey", "-out", "params-and-key.pem"])
        #expect(try workspace.read("params-and-key.pem").contains("BEGIN EC PARAMETERS"))
        let loaded = try PrivateKeyFile.load(workspace.file("params-and-key.pem"), passphrase: .none)
        #expect(loaded.typeDescription == "EC P-256")
    }

    @Test func load_legacyRC2Encryption_failsWithUnsupportedAlgorithmNamingIt() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("plain.pem")
        try workspace.openssl([
            "pkcs8", "-topk8", "-in", "plain.pem", "-out", "rc2.pem", "-v1", "PBE-SHA1-RC2-40", "-passout",
            "pass:\(Self.passphrase)", "-provider", "legacy", "-provider", "default",
        ])
        let error = #expect(throws: TLSMaterialError.self) {
            try PrivateKeyFile.load(workspace.file("rc2.pem"), passphrase: .value(SecretValue(Self.passphrase)))
        }
        #expect(error?.code == .unsupportedAlgorithm)
        #expect(error?.message.contains("pbeWithSHA1And40BitRC2-CBC") == true, "\(error?.message ?? "")")
    }

    @Test func load_keyFileReadableByOthers_warnsButLoads() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        chmod(key, 0o644)
        let loaded = try PrivateKeyFile.load(key, passphrase: .none)
        #expect(loaded.warnings.map(\.kind) == [.keyFileAccessibleByOthers])
        #expect(loaded.warnings.first?.message.contains("chmod 600") == true)
    }

    @Test func load_keyFileMode0600_hasNoWarning() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        #expect(try PrivateKeyFile.load(key, passphrase: .none).warnings.isEmpty)
    }

    @Test func load_certificateGivenAsKey_failsWithNotAKeyListingContents() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        let cert = try workspace.makeSelfSigned(key: "key.pem", commonName: "x", name: "cert.pem")
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(cert, passphrase: .none) }
        #expect(error?.code == .notAKey)
        #expect(error?.message == "\(cert) holds no private key (found: CERTIFICATE)")
    }

    @Test func load_garbage_failsWithNotAKey() throws {
        let workspace = try Workspace()
        let path = try workspace.write("garbage.pem", "this is not a key\n")
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(path, passphrase: .none) }
        #expect(error?.code == .notAKey)
    }

    @Test func load_truncatedKey_failsWithDamaged() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        let text = try workspace.read("key.pem")
        let path = try workspace.write("cut.pem", String(text.prefix(text.count / 2)))
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(path, passphrase: .none) }
        #expect(error?.code == .damaged)
    }

    @Test func load_corruptedKeyBody_failsWithDamaged() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        var lines = try workspace.read("key.pem").split(separator: "\n").map(String.init)
        lines[1] = String(repeating: "A", count: lines[1].count)
        let path = try workspace.write("bad.pem", lines.joined(separator: "\n") + "\n")
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(path, passphrase: .none) }
        #expect(error?.code == .damaged)
    }

    @Test func load_twoKeysInOneFile_failsWithMultipleKeys() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("a.pem")
        try workspace.makeECKey("b.pem")
        let path = try workspace.write("both.pem", try workspace.read("a.pem") + workspace.read("b.pem"))
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(path, passphrase: .none) }
        #expect(error?.code == .multipleKeys)
    }

    @Test func load_missingFile_failsWithFileMissing() throws {
        let workspace = try Workspace()
        let path = workspace.file("absent.pem")
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(path, passphrase: .none) }
        #expect(error?.code == .fileMissing)
        #expect(error?.message == "private key file \(path) does not exist")
    }

    @Test func load_pathThroughAFile_failsWithFileMissing() throws {
        let workspace = try Workspace()
        let file = try workspace.write("plain-file", "x")
        let error = #expect(throws: TLSMaterialError.self) {
            try PrivateKeyFile.load(file + "/key.pem", passphrase: .none)
        }
        #expect(error?.code == .fileMissing)
    }

    @Test func load_directory_failsWithFileUnreadable() throws {
        let workspace = try Workspace()
        let error = #expect(throws: TLSMaterialError.self) { try PrivateKeyFile.load(workspace.path, passphrase: .none) }
        #expect(error?.code == .fileUnreadable)
    }

    @Test func readingError_EACCES_mapsToPermissionDenied() {
        // Tests run as root, which reads any file regardless of mode; the real EACCES path is covered by
        // the CLI test that runs `outpost cert check` as nobody. Here: the mapping itself.
        let error = TLSMaterialError.reading(
            "private key file", failure: FileAccessError(path: "/etc/k.pem", operation: .read, errno: EACCES))
        #expect(error.code == .permissionDenied)
        #expect(error.message.hasPrefix("cannot read private key file /etc/k.pem: permission denied"))
    }
}
