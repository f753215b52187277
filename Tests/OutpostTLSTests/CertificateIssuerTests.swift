import Foundation
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// Certificates made here are accepted by OpenSSL, and their encrypted keys open with OpenSSL.
@Suite(.blockingWork)
struct CertificateIssuerTests {
    static let passphrase = SecretValue("issuer test passphrase")

    @Test func selfSigned_written_verifiesWithOpenSSLAndKeyOpens() throws {
        let workspace = try Workspace()
        let issued = try CertificateIssuer.selfSigned(
            CertificateRequest(commonName: "dev.local", alternativeNames: [.dns("dev.local"), .ip("127.0.0.1")]))
        try issued.write(
            certificateTo: workspace.file("out/cert.pem"), privateKeyTo: workspace.file("out/key.pem"),
            passphrase: Self.passphrase)

        let verify = try workspace.openssl(["verify", "-CAfile", "out/cert.pem", "out/cert.pem"])
        #expect(verify.contains("OK"))
        try workspace.openssl(["pkey", "-in", "out/key.pem", "-passin", "pass:\(Self.passphrase.reveal())", "-noout"])
        let structure = try workspace.openssl(["asn1parse", "-in", "out/key.pem"])
        #expect(structure.contains("PBES2") && structure.contains("hmacWithSHA256") && structure.contains("aes-256-cbc"))
        let mode = try FileManager.default.attributesOfItem(atPath: workspace.file("out/key.pem"))[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }

    @Test func selfSigned_withoutSANs_usesCommonNameAsSAN() throws {
        let issued = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "10.0.0.7"))
        #expect(issued.summary.subjectAlternativeNames == ["IP:10.0.0.7"])
    }

    @Test func write_existingFiles_refusesWithoutReplacing() throws {
        let workspace = try Workspace()
        let issued = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "x"))
        try workspace.write("cert.pem", "old")
        let error = #expect(throws: TLSMaterialError.self) {
            try issued.write(
                certificateTo: workspace.file("cert.pem"), privateKeyTo: workspace.file("key.pem"),
                passphrase: Self.passphrase)
        }
        #expect(error?.code == .writeFailed)
        #expect(!FileManager.default.fileExists(atPath: workspace.file("key.pem")))
    }

    @Test func issue_leafSignedByCA_verifiesAgainstCAForServerAndClient() throws {
        let workspace = try Workspace()
        let ca = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "Dev CA", isCertificateAuthority: true))
        try ca.write(certificateTo: workspace.file("ca.pem"), privateKeyTo: workspace.file("ca.key"), passphrase: Self.passphrase)
        let leaf = try CertificateIssuer.issue(
            CertificateRequest(commonName: "gw", alternativeNames: [.dns("gw"), .ip("::1")]), signedBy: ca.authority)
        try leaf.write(certificateTo: workspace.file("leaf.pem"), privateKeyTo: workspace.file("leaf.key"), passphrase: Self.passphrase)

        for purpose in ["sslserver", "sslclient"] {
            let result = try workspace.openssl(["verify", "-purpose", purpose, "-CAfile", "ca.pem", "leaf.pem"])
            #expect(result.contains("leaf.pem: OK"))
        }
        #expect(leaf.summary.issuer == "CN=Dev CA")
        #expect(ca.summary.isCertificateAuthority)
    }

    @Test func loadAuthority_fromWrittenFiles_issuesVerifiableCertificate() throws {
        let workspace = try Workspace()
        let ca = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "File CA", isCertificateAuthority: true))
        try ca.write(certificateTo: workspace.file("ca.pem"), privateKeyTo: workspace.file("ca.key"), passphrase: Self.passphrase)
        let authority = try CertificateAuthority.load(
            certificateFile: workspace.file("ca.pem"), keyFile: workspace.file("ca.key"), passphrase: .value(Self.passphrase))
        let leaf = try CertificateIssuer.issue(CertificateRequest(commonName: "device"), signedBy: authority)
        try workspace.write("device.pem", leaf.certificatePEM)
        #expect(try workspace.openssl(["verify", "-CAfile", "ca.pem", "device.pem"]).contains("OK"))
    }

    @Test func loadAuthority_leafCertificate_failsAsNotACA() throws {
        let workspace = try Workspace()
        let leaf = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "not-a-ca"))
        try leaf.write(certificateTo: workspace.file("c.pem"), privateKeyTo: workspace.file("k.pem"), passphrase: Self.passphrase)
        let error = #expect(throws: TLSMaterialError.self) {
            try CertificateAuthority.load(
                certificateFile: workspace.file("c.pem"), keyFile: workspace.file("k.pem"), passphrase: .value(Self.passphrase))
        }
        #expect(error?.code == .invalidRequest)
    }

    @Test func written_pair_loadsAsIdentity() throws {
        let workspace = try Workspace()
        let issued = try CertificateIssuer.selfSigned(CertificateRequest(commonName: "roundtrip"))
        try issued.write(certificateTo: workspace.file("c.pem"), privateKeyTo: workspace.file("k.pem"), passphrase: Self.passphrase)
        let identity = try TLSIdentity.load(
            certificateFile: workspace.file("c.pem"), keyFile: workspace.file("k.pem"), passphrase: .value(Self.passphrase))
        #expect(identity.keyEncryption == "PBES2 (PBKDF2 hmacWithSHA256, aes-256-cbc)")
        #expect(identity.summary.sha256Fingerprint == issued.summary.sha256Fingerprint)
    }

    @Test func parseList_mixedNames_parsesEach() throws {
        let names = try CertificateRequest.AlternativeName.parseList("DNS:a.example, IP:192.168.1.1,ip:fe80::1")
        #expect(names == [.dns("a.example"), .ip("192.168.1.1"), .ip("fe80::1")])
    }

    @Test func parseList_badAddress_failsWithInvalidRequest() {
        let error = #expect(throws: TLSMaterialError.self) { try CertificateRequest.AlternativeName.parseList("IP:999.1.1.1") }
        #expect(error?.code == .invalidRequest)
    }
}

/// The development PKI for `outpost up`: server and client certificates verify against its CA.
@Suite(.blockingWork)
struct DevelopmentPKITests {
    @Test func create_writesCAServerAndClient_allVerifyWithOpenSSL() throws {
        let workspace = try Workspace()
        let passphrase = SecretValue.random()
        let paths = try DevelopmentPKI.create(in: workspace.file("pki"), passphrase: passphrase)
        let server = try workspace.openssl(["verify", "-purpose", "sslserver", "-CAfile", paths.caCertificate, paths.serverCertificate])
        #expect(server.contains("OK"))
        let client = try workspace.openssl(["verify", "-purpose", "sslclient", "-CAfile", paths.caCertificate, paths.clientCertificate])
        #expect(client.contains("OK"))
        let identity = try TLSIdentity.load(
            certificateFile: paths.serverCertificate, keyFile: paths.serverKey, passphrase: .value(passphrase))
        #expect(identity.summary.subjectAlternativeNames == ["DNS:localhost", "IP:127.0.0.1", "IP:::1"])
        let mode = try FileManager.default.attributesOfItem(atPath: paths.caKey)[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
