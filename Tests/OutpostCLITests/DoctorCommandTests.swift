import Foundation
import Testing
import OutpostTestSupport

/// `outpost doctor` (also reachable as `outpost cert doctor`) on broken setups: each gets a verdict line
/// that names the problem and the fix. Material made by the openssl CLI.
@Suite(.blockingWork)
struct DoctorCommandTests {
    enum Setup: String, CaseIterable, CustomTestStringConvertible {
        case missingDirectory, wrongPassphrase, keyMismatch, readableUnencryptedKey, incompleteChain, expiresSoon
        case missingClientCertificate, garbageCertChain, platformUnreachable

        var testDescription: String { rawValue }
    }

    /// The line doctor must print for each setup: its start and a fragment.
    static func expected(_ setup: Setup) -> (prefix: String, fragment: String) {
        switch setup {
        case .missingDirectory: return ("FAIL  http_server certificate", "does not exist")
        case .wrongPassphrase: return ("FAIL  http_server certificate", "wrong passphrase")
        case .keyMismatch: return ("FAIL  http_server certificate", "does not belong")
        case .readableUnencryptedKey: return ("WARN  permissions", "chmod 600")
        case .incompleteChain: return ("WARN  http_server chain", "append the intermediate")
        case .expiresSoon: return ("WARN  expiry of http_server certificate", "days left")
        case .missingClientCertificate: return ("FAIL  uplink client certificate", "does not exist")
        case .garbageCertChain: return ("FAIL  uplink trusted CAs", "holds no certificate")
        case .platformUnreachable: return ("FAIL  platform handshake", "cannot connect")
        }
    }

    @Test(arguments: Setup.allCases)
    func brokenSetup_getsAVerdictWithTheFix(_ setup: Setup) throws {
        let directory = try CLITestDirectory()
        func run(_ arguments: [String]) throws { #expect(try directory.openssl(arguments).status == 0, "openssl \(arguments)") }
        func key(_ name: String) throws { try run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name]) }
        func ca(_ name: String, signer: String?) throws {
            try key("\(name).key")
            if let signer {
                try run(["req", "-new", "-key", "\(name).key", "-subj", "/CN=\(name)", "-out", "\(name).csr"])
                try directory.write("\(name).ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
                try run(["x509", "-req", "-in", "\(name).csr", "-CA", "\(signer).pem", "-CAkey", "\(signer).key", "-set_serial", "77", "-days", "100", "-extfile", "\(name).ext", "-out", "\(name).pem"])
            } else {
                try run(["req", "-x509", "-new", "-key", "\(name).key", "-subj", "/CN=\(name)", "-days", "100", "-out", "\(name).pem",
                         "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
            }
        }
        func leaf(signer: String, days: Int, into folder: String, keyName: String = "plain.key") throws {
            try key(keyName)
            try run(["req", "-new", "-key", keyName, "-subj", "/CN=doctor.example", "-out", "leaf.csr"])
            try run(["x509", "-req", "-in", "leaf.csr", "-CA", "\(signer).pem", "-CAkey", "\(signer).key", "-set_serial", "78", "-days", String(days), "-out", "\(folder)/cert.pem"])
        }
        func encryptKey(_ plain: String, into path: String, passphrase: String) throws {
            try run(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", plain, "-out", path, "-passout", "pass:\(passphrase)"])
            chmod(directory.file(path), 0o600)
        }
        try FileManager.default.createDirectory(atPath: directory.file("tls"), withIntermediateDirectories: true)
        try ca("root", signer: nil)
        var tlsDirectory = directory.file("tls")
        var certificates = ""
        switch setup {
        case .missingDirectory:
            tlsDirectory = directory.file("no-such-dir")
        case .wrongPassphrase:
            try leaf(signer: "root", days: 90, into: "tls")
            try encryptKey("plain.key", into: "tls/key.pem", passphrase: "another passphrase")
        case .keyMismatch:
            try leaf(signer: "root", days: 90, into: "tls")
            try key("other.key")
            try encryptKey("other.key", into: "tls/key.pem", passphrase: "doctor-pass")
        case .readableUnencryptedKey:
            try leaf(signer: "root", days: 90, into: "tls")
            try FileManager.default.copyItem(atPath: directory.file("plain.key"), toPath: directory.file("tls/key.pem"))
            chmod(directory.file("tls/key.pem"), 0o644)
        case .incompleteChain:
            try ca("intermediate", signer: "root")
            try leaf(signer: "intermediate", days: 90, into: "tls")
            try encryptKey("plain.key", into: "tls/key.pem", passphrase: "doctor-pass")
        case .expiresSoon:
            try leaf(signer: "root", days: 5, into: "tls")
            try encryptKey("plain.key", into: "tls/key.pem", passphrase: "doctor-pass")
        case .missingClientCertificate, .garbageCertChain, .platformUnreachable:
            try leaf(signer: "root", days: 90, into: "tls")
            try encryptKey("plain.key", into: "tls/key.pem", passphrase: "doctor-pass")
            if setup == .missingClientCertificate {
                certificates = #", "certificates": { "client_cert": "\#(directory.file("gone.pem"))", "key_file": "\#(directory.file("gone.key"))" }"#
            } else if setup == .garbageCertChain {
                try directory.write("chain.pem", "this is not PEM\n")
                certificates = #", "certificates": { "cert_chain": ["\#(directory.file("chain.pem"))"] }"#
            } else {
                certificates = #", "certificates": { "cert_chain": ["\#(directory.file("root.pem"))"] }"#
            }
        }
        let platformPort = try TestProcess.freePort()
        try directory.write(
            "config.json",
            #"""
            { "ws_servers": [{ "host": "127.0.0.1", "port": \#(platformPort) }], "appKey": "k",
              "http_server": { "host": "127.0.0.1", "port": \#(try TestProcess.freePort()), "tls_directory": "\#(tlsDirectory)",
                               "passphrase": "doctor-pass", "user": "emsuser", "password": "p" }\#(certificates) }
            """#)
        let doctor = try OutpostProcess.run(
            [setup == .expiresSoon ? "cert" : "", "doctor", "--config", directory.file("config.json")].filter { !$0.isEmpty }, environment: directory.environment)
        let (prefix, fragment) = Self.expected(setup)
        let line = doctor.stdout.split(separator: "\n").first { $0.hasPrefix(prefix) }
        #expect(line?.contains(fragment) == true, "\(setup): \(doctor)")
        #expect(line?.contains("; fix: ") == true, "\(setup): \(doctor)")
        // Nothing listens on the platform port in any setup, so every run has at least that failure.
        #expect(doctor.status == 1, "\(doctor)")
        // (With broken uplink material the handshake is not even tried, and says so.)
        #expect(doctor.stdout.contains("FAIL  platform handshake"), "\(doctor)")
    }
}
