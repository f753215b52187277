import Foundation
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// Certificate chains with their keys: merged files, ordering, mismatches and validity.
@Suite(.blockingWork)
struct TLSIdentityTests {
    static let passphrase = "s3cret passphrase"

    /// A CA, a leaf key encrypted as PKCS#8 and the leaf certificate it signed.
    private func chainFixture() throws -> Workspace {
        let workspace = try Workspace()
        try workspace.makeCA("ca", commonName: "Merged Test CA")
        try workspace.makeECKey("leaf-plain.key")
        try workspace.issue(key: "leaf-plain.key", commonName: "leaf.example", by: "ca", name: "leaf.pem")
        try workspace.encrypt("leaf-plain.key", as: .pbes2AES256SHA256, passphrase: Self.passphrase, name: "leaf.key")
        return workspace
    }

    private func bag(_ subject: String, _ issuer: String) -> String {
        "Bag Attributes\n    localKeyID: 01 02 03 04\n    friendlyName: outpost\nsubject=/CN=\(subject)\nissuer=/CN=\(issuer)\n"
    }

    @Test(arguments: [["key", "leaf", "ca"], ["ca", "leaf", "key"], ["leaf", "key", "ca"], ["ca", "key", "leaf"]])
    func load_mergedFileInAnyOrderWithBagAttributes_putsLeafFirst(_ order: [String]) throws {
        let workspace = try chainFixture()
        var text = ""
        for part in order {
            switch part {
            case "key": text += "Bag Attributes\n    localKeyID: 01 02 03 04\nKey Attributes: <No Attributes>\n" + (try workspace.read("leaf.key"))
            case "leaf": text += bag("leaf.example", "Merged Test CA") + (try workspace.read("leaf.pem"))
            default: text += bag("Merged Test CA", "Merged Test CA") + (try workspace.read("ca.pem"))
            }
        }
        let merged = try workspace.write("merged.pem", text)
        let identity = try TLSIdentity.load(certificateFile: merged, passphrase: .value(SecretValue(Self.passphrase)))
        #expect(identity.certificates.count == 2)
        #expect(identity.summary.commonName == "leaf.example")
        #expect(identity.certificateChain.count == 2)
        #expect(identity.keyPath == merged)
        #expect(identity.warnings.isEmpty)
    }

    @Test func load_fileWrittenByOpenSSLPKCS12_loads() throws {
        let workspace = try chainFixture()
        try workspace.openssl([
            "pkcs12", "-export", "-inkey", "leaf-plain.key", "-in", "leaf.pem", "-certfile", "ca.pem", "-out", "id.p12",
            "-passout", "pass:p12",
        ])
        try workspace.openssl([
            "pkcs12", "-in", "id.p12", "-passin", "pass:p12", "-passout", "pass:\(Self.passphrase)", "-out", "id.pem",
        ])
        #expect(try workspace.read("id.pem").contains("Bag Attributes"))
        let identity = try TLSIdentity.load(
            certificateFile: workspace.file("id.pem"), passphrase: .value(SecretValue(Self.passphrase)))
        #expect(identity.summary.commonName == "leaf.example")
        #expect(identity.certificates.count == 2)
    }

    @Test func load_keyOfAnotherCertificate_failsWithKeyMismatch() throws {
        let workspace = try chainFixture()
        try workspace.makeECKey("other.key")
        let error = #expect(throws: TLSMaterialError.self) {
            try TLSIdentity.load(certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("other.key"))
        }
        #expect(error?.code == .keyMismatch)
        #expect(error?.message.contains("leaf.example") == true)
    }

    @Test func load_rsaKeyForECCertificate_failsWithKeyMismatch() throws {
        let workspace = try chainFixture()
        try workspace.openssl(["genrsa", "-out", "rsa.key", "2048"])
        let error = #expect(throws: TLSMaterialError.self) {
            try TLSIdentity.load(certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("rsa.key"))
        }
        #expect(error?.code == .keyMismatch)
    }

    @Test func load_keyGivenAsCertificate_failsWithNotACertificate() throws {
        let workspace = try chainFixture()
        let error = #expect(throws: TLSMaterialError.self) {
            try TLSIdentity.load(certificateFile: workspace.file("leaf-plain.key"), keyFile: workspace.file("leaf-plain.key"))
        }
        #expect(error?.code == .notACertificate)
        #expect(error?.message.contains("PRIVATE KEY") == true)
    }

    @Test func load_expiredCertificate_failsWithExpiredAndDate() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        let cert = try workspace.makeSelfSigned(
            key: "key.pem", commonName: "old", name: "old.pem", start: "20200101000000Z", end: "20210101000000Z")
        let error = #expect(throws: TLSMaterialError.self) { try TLSIdentity.load(certificateFile: cert, keyFile: key) }
        #expect(error?.code == .certificateExpired)
        #expect(error?.message.contains("expired on 2021-01-01T00:00:00Z") == true, "\(error?.message ?? "")")
    }

    @Test func load_notYetValidCertificate_failsWithNotYetValidAndDate() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        let cert = try workspace.makeSelfSigned(
            key: "key.pem", commonName: "future", name: "future.pem", start: "20990101000000Z", end: "20991231000000Z")
        let error = #expect(throws: TLSMaterialError.self) { try TLSIdentity.load(certificateFile: cert, keyFile: key) }
        #expect(error?.code == .certificateNotYetValid)
        #expect(error?.message.contains("not valid until 2099-01-01T00:00:00Z") == true, "\(error?.message ?? "")")
    }

    @Test func load_certificateExpiringWithin30Days_warns() throws {
        let workspace = try Workspace()
        let key = try workspace.makeECKey("key.pem")
        let cert = try workspace.makeSelfSigned(key: "key.pem", commonName: "soon", name: "soon.pem", days: 10)
        let identity = try TLSIdentity.load(certificateFile: cert, keyFile: key)
        #expect(identity.warnings.map(\.kind) == [.expiresSoon])
    }

    @Test func load_missingCertificateFile_failsWithFileMissing() throws {
        let workspace = try chainFixture()
        let error = #expect(throws: TLSMaterialError.self) {
            try TLSIdentity.load(certificateFile: workspace.file("nope.pem"), keyFile: workspace.file("leaf.key"))
        }
        #expect(error?.code == .fileMissing)
        #expect(error?.message.hasPrefix("certificate file ") == true)
    }

    @Test func load_passphraseFromFileWithTrailingNewline_succeeds() throws {
        let workspace = try chainFixture()
        let passFile = try workspace.write("pass.txt", Self.passphrase + "\n")
        let identity = try TLSIdentity.load(
            certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("leaf.key"), passphrase: .file(passFile))
        #expect(identity.keyEncryption != nil)
    }

    @Test func load_passphraseFromEnvironment_succeeds() throws {
        let workspace = try chainFixture()
        let source = PassphraseSource.environment("OUTPOST_TEST_KEY_PASSPHRASE")
        let resolved = try source.resolve(environment: ["OUTPOST_TEST_KEY_PASSPHRASE": Self.passphrase])
        let identity = try TLSIdentity.load(
            certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("leaf.key"),
            passphrase: .value(try #require(resolved)))
        #expect(identity.summary.commonName == "leaf.example")
    }

    @Test func resolve_unsetEnvironmentVariable_failsWithPassphraseUnavailable() {
        let error = #expect(throws: TLSMaterialError.self) {
            try PassphraseSource.environment("OUTPOST_TEST_UNSET").resolve(environment: [:])
        }
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.message.contains("OUTPOST_TEST_UNSET") == true)
    }

    @Test func resolve_missingPassphraseFile_failsWithPassphraseUnavailable() throws {
        let workspace = try Workspace()
        let error = #expect(throws: TLSMaterialError.self) { try PassphraseSource.file(workspace.file("none")).resolve() }
        #expect(error?.code == .passphraseUnavailable)
    }

    @Test func load_sealedConfigPassphrase_opensWithKeyFile() throws {
        let workspace = try chainFixture()
        let keyFile = try SecretKeyFile.loadOrCreate(at: workspace.file("secret.key"))
        let sealed = try keyFile.seal(SecretValue(Self.passphrase))
        let source = PassphraseSource.config(
            sealed, key: "certificates.key_passphrase", resolver: SecretResolver(keyFilePath: keyFile.path))
        let identity = try TLSIdentity.load(
            certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("leaf.key"), passphrase: source)
        #expect(identity.summary.commonName == "leaf.example")
    }

    @Test func load_sealedConfigPassphraseWithoutKeyFile_failsNamingConfigKey() throws {
        let workspace = try chainFixture()
        let keyFile = try SecretKeyFile.loadOrCreate(at: workspace.file("secret.key"))
        let sealed = try keyFile.seal(SecretValue(Self.passphrase))
        let source = PassphraseSource.config(
            sealed, key: "certificates.key_passphrase", resolver: SecretResolver(keyFilePath: workspace.file("gone.key")))
        let error = #expect(throws: TLSMaterialError.self) {
            try TLSIdentity.load(
                certificateFile: workspace.file("leaf.pem"), keyFile: workspace.file("leaf.key"), passphrase: source)
        }
        #expect(error?.code == .passphraseUnavailable)
        #expect(error?.message.hasPrefix("certificates.key_passphrase was sealed with a key file") == true)
    }
}
