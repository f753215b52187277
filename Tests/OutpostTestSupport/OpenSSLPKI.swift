import Foundation

/// A scratch directory where tests make their keys and certificates with the `openssl` CLI: CAs,
/// certificates they issue, and TLS directories (`key.pem` + `cert.pem`) installed as a deployment tool
/// would. Removed by the caller (`remove()`).
public struct OpenSSLPKI: Sendable {
    public let root: String

    /// A new directory named `prefix-<uuid>` in the temporary directory, with `subdirectories` in it.
    public init(prefix: String, subdirectories: [String] = []) throws {
        root = NSTemporaryDirectory() + prefix + "-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for name in subdirectories {
            try FileManager.default.createDirectory(atPath: root + "/" + name, withIntermediateDirectories: true)
        }
    }

    public func remove() { try? FileManager.default.removeItem(atPath: root) }

    public func path(_ name: String) -> String { root + "/" + name }

    /// Runs `openssl` in the directory and returns its stdout and stderr; throws when it fails, except for
    /// `s_client`, whose output is wanted even when the handshake fails.
    @discardableResult
    public func openssl(_ arguments: [String], stdin: String = "") throws -> String {
        let result = try TestProcess.runBlocking("/usr/bin/openssl", arguments, stdin: stdin, directory: root)
        let text = result.stdout + result.stderr
        guard result.status == 0 || arguments.first == "s_client" else {
            throw TestProcess.Failure(description: "openssl \(arguments.joined(separator: " ")) failed: \(text)")
        }
        return text
    }

    /// `NAME.key` and the self-signed CA certificate `NAME.pem`.
    public func makeCA(_ name: String, _ commonName: String) throws {
        try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "\(name).key"])
        try openssl([
            "req", "-x509", "-new", "-key", "\(name).key", "-subj", "/CN=\(commonName)", "-days", "30", "-out", "\(name).pem",
            "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        ])
    }

    /// `NAME.key` and `NAME.pem` signed by `ca`: a server certificate for localhost and 127.0.0.1, or a client one.
    public func issue(_ name: String, commonName: String, by ca: String, server: Bool, days: Int = 30) throws {
        try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "\(name).key"])
        try openssl(["req", "-new", "-key", "\(name).key", "-subj", "/CN=\(commonName)", "-out", "\(name).csr"])
        let extensions = server ? "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n" : "extendedKeyUsage=clientAuth\n"
        try extensions.write(toFile: path("\(name).ext"), atomically: true, encoding: .utf8)
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-set_serial",
            String(Int.random(in: 1000...999_999)), "-days", String(days), "-extfile", "\(name).ext", "-out", "\(name).pem",
        ])
    }

    /// Writes `directory/key.pem` (encrypted with `passphrase`, from `keyFrom` or `name`) and
    /// `directory/cert.pem`, each by rename with mode 0600, as a deployment tool would.
    public func install(_ name: String, into directory: String, passphrase: String, keyFrom: String? = nil) throws {
        try openssl([
            "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "\(keyFrom ?? name).key", "-out", "\(name).enc.key",
            "-passout", "pass:\(passphrase)",
        ])
        for (source, target) in [("\(name).enc.key", "key.pem"), ("\(name).pem", "cert.pem")] {
            let temporary = path("\(directory)/.\(target).tmp")
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: path(source), toPath: temporary)
            chmod(temporary, 0o600)
            guard rename(temporary, path("\(directory)/\(target)")) == 0 else {
                throw TestProcess.Failure(description: "cannot rename \(temporary) into place")
            }
        }
    }

    /// The CN in the `subject=` line of `openssl s_client` output.
    public static func commonName(inSClientOutput output: String) -> String? {
        for line in output.split(separator: "\n") where line.hasPrefix("subject=") {
            if let range = line.range(of: "CN = ") { return String(line[range.upperBound...]) }
        }
        return nil
    }
}
