import Foundation
import Testing
import OutpostTestSupport

/// `outpost doctor`'s chain check tells a leaf signed directly by a root (complete: clients hold the
/// root) from a chain missing its intermediate, given the roots clients trust (--ca-file).
@Suite(.blockingWork)
struct DoctorChainTests {
    @Test func leafSignedByRoot_isOk_missingIntermediate_isNamed_unknownIssuer_isSaid() throws {
        let directory = try CLITestDirectory()
        func run(_ arguments: [String]) throws { #expect(try directory.openssl(arguments).status == 0, "openssl \(arguments)") }
        func key(_ name: String) throws { try run(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name]) }
        try key("root.key")
        try run(["req", "-x509", "-new", "-key", "root.key", "-subj", "/CN=Doctor Root", "-days", "100", "-out", "root.pem",
                 "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"])
        try key("intermediate.key")
        try run(["req", "-new", "-key", "intermediate.key", "-subj", "/CN=Doctor Intermediate", "-out", "intermediate.csr"])
        try directory.write("ca.ext", "basicConstraints=critical,CA:TRUE\nkeyUsage=critical,keyCertSign\n")
        try run(["x509", "-req", "-in", "intermediate.csr", "-CA", "root.pem", "-CAkey", "root.key", "-set_serial", "91", "-days", "100",
                 "-extfile", "ca.ext", "-out", "intermediate.pem"])
        try directory.write("bundle.pem", try String(contentsOfFile: directory.file("intermediate.pem"), encoding: .utf8)
            + String(contentsOfFile: directory.file("root.pem"), encoding: .utf8))

        /// doctor --offline on a TLS directory whose leaf is signed by `signer`; the chain line.
        func chainLine(signer: String, caFile: String?) throws -> String? {
            let folder = "tls-\(signer)"
            try FileManager.default.createDirectory(atPath: directory.file(folder), withIntermediateDirectories: true)
            try key("\(folder)/plain.key")
            try run(["req", "-new", "-key", "\(folder)/plain.key", "-subj", "/CN=chain.example", "-out", "\(folder)/leaf.csr"])
            try run(["x509", "-req", "-in", "\(folder)/leaf.csr", "-CA", "\(signer).pem", "-CAkey", "\(signer).key", "-set_serial", "92",
                     "-days", "90", "-out", "\(folder)/cert.pem"])
            try run(["pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "\(folder)/plain.key", "-out", "\(folder)/key.pem", "-passout", "pass:chain-pass"])
            chmod(directory.file("\(folder)/key.pem"), 0o600)
            try directory.write(
                "config-\(signer).json",
                #"""
                { "ws_servers": [{ "host": "127.0.0.1", "port": 1 }], "appKey": "k",
                  "http_server": { "host": "127.0.0.1", "port": 8443, "tls_directory": "\#(directory.file(folder))",
                                   "passphrase": "chain-pass", "user": "emsuser", "password": "p" } }
                """#)
            let doctor = try OutpostProcess.run(
                ["doctor", "--offline", "--config", directory.file("config-\(signer).json")] + (caFile.map { ["--ca-file", directory.file($0)] } ?? []),
                environment: directory.environment)
            return doctor.stdout.split(separator: "\n").first { $0.contains("http_server chain") }.map(String.init)
        }

        let byRoot = try chainLine(signer: "root", caFile: "root.pem")
        #expect(byRoot?.hasPrefix("ok    http_server chain: signed directly by the root Doctor Root") == true, "\(byRoot ?? "no line")")
        #expect(byRoot?.contains("nothing is missing") == true)

        let missing = try chainLine(signer: "intermediate", caFile: "bundle.pem")
        #expect(missing?.hasPrefix("WARN  http_server chain: intermediate missing") == true, "\(missing ?? "no line")")
        #expect(missing?.contains("Doctor Intermediate") == true && missing?.contains("append the intermediate") == true)

        // Only the root is known: the intermediate is not found anywhere, which is said as such.
        let unknown = try chainLine(signer: "intermediate", caFile: "root.pem")
        #expect(unknown?.hasPrefix("WARN  http_server chain: the chain ends at chain.example, issued by CN=Doctor Intermediate") == true, "\(unknown ?? "no line")")
        #expect(unknown?.contains("--ca-file") == true)
    }
}
