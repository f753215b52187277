import Foundation
import OutpostTLS
import Testing
import OutpostTestSupport

/// Certificate inspection agrees with what `openssl x509` says about the same file.
@Suite(.blockingWork)
struct CertificateSummaryTests {
    @Test func summary_ofOpenSSLCertificate_matchesOpenSSLFields() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        let path = try workspace.makeSelfSigned(
            key: "key.pem", commonName: "gateway.local", name: "cert.pem",
            extra: ["-addext", "subjectAltName=DNS:gateway.local,IP:10.1.2.3,IP:::1"])
        let summary = try #require(try PEMCertificate.load(path).first).summary

        let fingerprint = try workspace.openssl(["x509", "-in", "cert.pem", "-noout", "-fingerprint", "-sha256"])
        #expect(fingerprint.trimmingCharacters(in: .whitespacesAndNewlines) == "sha256 Fingerprint=\(summary.sha256Fingerprint)")
        let serial = try workspace.openssl(["x509", "-in", "cert.pem", "-noout", "-serial"])
        #expect(serial.trimmingCharacters(in: .whitespacesAndNewlines) == "serial=" + summary.serialNumber.replacingOccurrences(of: ":", with: ""))
        #expect(summary.commonName == "gateway.local")
        #expect(summary.subject == "CN=gateway.local")
        #expect(summary.subjectAlternativeNames == ["DNS:gateway.local", "IP:10.1.2.3", "IP:::1"])
        #expect(summary.publicKey == "EC P-256")
        #expect(summary.isSelfIssued)
        #expect((364...365).contains(summary.daysLeft()))
    }

    @Test func load_certificateWithTextDumpAround_findsCertificate() throws {
        let workspace = try Workspace()
        try workspace.makeECKey("key.pem")
        try workspace.makeSelfSigned(key: "key.pem", commonName: "texty", name: "cert.pem")
        try workspace.openssl(["x509", "-in", "cert.pem", "-text", "-out", "with-text.pem"])
        #expect(try workspace.read("with-text.pem").hasPrefix("Certificate:"))
        let loaded = try PEMCertificate.load(workspace.file("with-text.pem"))
        #expect(loaded.map(\.summary.commonName) == ["texty"])
    }

    @Test func load_damagedCertificate_failsWithDamaged() throws {
        let workspace = try Workspace()
        let path = try workspace.write("bad.pem", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")
        let error = #expect(throws: TLSMaterialError.self) { try PEMCertificate.load(path) }
        #expect(error?.code == .damaged)
    }
}
