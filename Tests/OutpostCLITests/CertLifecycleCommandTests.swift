import Foundation
import Testing
import OutpostTestSupport

/// `outpost cert status` and `outpost cert export` against an EMS config with a TLS directory, with
/// certificates made by the openssl CLI.
@Suite(.blockingWork)
struct CertLifecycleCommandTests {
    /// A CA, a TLS directory whose cert.pem it signed (with chain.pem holding the CA), SNI
    /// subdirectories with certificates of the given lifetimes, and a config.json using them.
    private func setUp(sniDays: [String: Int] = [:], listenerDays: Int = 40) throws -> CLITestDirectory {
        let directory = try CLITestDirectory()
        _ = try directory.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key"])
        _ = try directory.openssl([
            "req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Export CA", "-days", "365", "-out", "ca.pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign",
        ])
        try FileManager.default.createDirectory(atPath: directory.file("tls"), withIntermediateDirectories: true)
        try issue(directory, into: "tls", commonName: "ems.example", days: listenerDays)
        try FileManager.default.copyItem(atPath: directory.file("ca.pem"), toPath: directory.file("tls/chain.pem"))
        for (name, days) in sniDays {
            try FileManager.default.createDirectory(atPath: directory.file("tls/\(name)"), withIntermediateDirectories: true)
            try issue(directory, into: "tls/\(name)", commonName: name, days: days)
        }
        try directory.write(
            "config.json",
            #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": 443 }], "appKey": "k",
              "http_server": { "host": "127.0.0.1", "port": 8443, "tls_directory": "\#(directory.file("tls"))",
                               "user": "emsuser", "password": "p" } }
            """#)
        return directory
    }

    private func issue(_ directory: CLITestDirectory, into folder: String, commonName: String, days: Int) throws {
        _ = try directory.openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "\(folder)/key.pem"])
        _ = try directory.openssl(["req", "-new", "-key", "\(folder)/key.pem", "-subj", "/CN=\(commonName)", "-out", "\(folder)/req.csr"])
        let made = try directory.openssl([
            "x509", "-req", "-in", "\(folder)/req.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial", "4242",
            "-days", String(days), "-out", "\(folder)/cert.pem",
        ])
        #expect(made.status == 0, "\(made)")
    }

    @Test func status_listsEveryCertificateWithDaysLeftAndLevel() throws {
        let directory = try setUp(sniDays: ["a.example": 20, "b.example": 10, "c.example": 5])
        let status = try OutpostProcess.run(["cert", "status", "--config", directory.file("config.json")], environment: directory.environment)
        #expect(status.status == 0, "\(status)")
        let lines = status.stdout.split(separator: "\n").map(String.init)
        func line(_ role: String) -> String? { lines.first { $0.contains("  \(role)  ") } }
        #expect(line("http_server certificate")?.hasPrefix("ok  39  ") == true || line("http_server certificate")?.hasPrefix("ok  40  ") == true, "\(status.stdout)")
        #expect(line("http_server certificate for a.example")?.hasPrefix("30d  ") == true, "\(status.stdout)")
        #expect(line("http_server certificate for b.example")?.hasPrefix("14d  ") == true, "\(status.stdout)")
        #expect(line("http_server certificate for c.example")?.hasPrefix("7d  ") == true, "\(status.stdout)")
        #expect(line("http_server chain")?.contains("Export CA") == true, "\(status.stdout)")
    }

    @Test func status_unreadableCertificate_failsNamingTheFile() throws {
        let directory = try setUp()
        try directory.write("tls/cert.pem", "not a certificate\n")
        let status = try OutpostProcess.run(["cert", "status", "--config", directory.file("config.json")], environment: directory.environment)
        #expect(status.status == 1, "\(status)")
        #expect(status.stdout.contains("ERROR") && status.stdout.contains("tls/cert.pem holds no certificate"), "\(status)")
    }

    @Test func export_writesTheCAOfTheChain_withFingerprintAndReadyCommands() throws {
        let directory = try setUp()
        let export = try OutpostProcess.run(
            ["cert", "export", "--config", directory.file("config.json"), "--out", directory.file("trust.pem")],
            environment: directory.environment)
        #expect(export.status == 0, "\(export)")
        let expected = try directory.openssl(["x509", "-in", "ca.pem", "-noout", "-fingerprint", "-sha256"]).stdout
        let fingerprint = try #require(expected.split(separator: "=").last).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(export.stdout.contains("SHA-256 fingerprint: \(fingerprint)"), "\(export.stdout)")
        #expect(export.stdout.contains("CA certificate Export CA"))
        #expect(export.stdout.contains("curl --cacert \(directory.file("trust.pem")) -u emsuser https://127.0.0.1:8443/"))
        #expect(export.stdout.contains("openssl s_client -connect 127.0.0.1:8443 -CAfile \(directory.file("trust.pem"))"))
        let written = try directory.openssl(["x509", "-in", "trust.pem", "-noout", "-fingerprint", "-sha256"]).stdout
        #expect(written == expected)

        let leaf = try OutpostProcess.run(
            ["cert", "export", "--config", directory.file("config.json"), "--out", directory.file("leaf.pem"), "--leaf"],
            environment: directory.environment)
        #expect(leaf.status == 0, "\(leaf)")
        #expect(try directory.openssl(["x509", "-in", "leaf.pem", "-noout", "-subject"]).stdout.contains("ems.example"))
    }
}
