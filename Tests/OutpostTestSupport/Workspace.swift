import Foundation
public import Testing

/// A temporary directory for one test, with the `openssl` command-line tool run inside it (TLS and uplink tests).
///
/// Keys and certificates are made fresh by the real OpenSSL 3 CLI for every test, in the forms an
/// operator's files come in; nothing generated is committed. The directory is removed on deinit.
public final class Workspace {
    public let path: String
    /// How long the certificates made here are valid by default.
    public let validityDays: Int

    /// A new directory `PREFIX-XXXXXX` in the temporary directory.
    public init(prefix: String, validityDays: Int) throws {
        self.validityDays = validityDays
        var template = Array((NSTemporaryDirectory() + prefix + "-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw WorkspaceError("mkdtemp failed") }
        path = String(cString: created)
        chmod(path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    public func file(_ name: String) -> String { path + "/" + name }

    @discardableResult
    public func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        let target = file(name)
        try text.write(toFile: target, atomically: false, encoding: .utf8)
        chmod(target, mode_t(mode))
        return target
    }

    public func read(_ name: String) throws -> String {
        try String(contentsOfFile: file(name), encoding: .utf8)
    }

    /// Runs `openssl ARGS` in the directory; throws with its stderr if it fails.
    @discardableResult
    public func openssl(_ arguments: [String], stdin: String? = nil) throws -> String {
        let result = try run("/usr/bin/openssl", arguments, stdin: stdin)
        guard result.status == 0 else {
            throw WorkspaceError("openssl \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.stdout
    }

    /// Runs a program in the directory and returns its status, stdout and stderr.
    public func run(_ program: String, _ arguments: [String], stdin: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        try TestProcess.runBlocking(program, arguments, stdin: stdin ?? "", directory: path)
    }
}

public struct WorkspaceError: Error, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension Workspace {
    /// A new unencrypted P-256 key in PKCS#8 (`PRIVATE KEY`).
    @discardableResult
    public func makeECKey(_ name: String) throws -> String {
        try openssl(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", name])
        chmod(file(name), 0o600)
        return file(name)
    }

    /// A self-signed certificate for `key`, valid `days` days (default ``validityDays``).
    @discardableResult
    public func makeSelfSigned(key: String, commonName: String, name: String, days: Int? = nil, extra: [String] = []) throws -> String {
        try openssl(["req", "-x509", "-new", "-key", key, "-subj", "/CN=\(commonName)", "-days", String(days ?? validityDays), "-out", name] + extra)
        return file(name)
    }

    /// A CA: key `NAME.key`, certificate `NAME.pem`.
    public func makeCA(_ name: String, commonName: String = "Test CA") throws {
        try makeECKey("\(name).key")
        try makeSelfSigned(
            key: "\(name).key", commonName: commonName, name: "\(name).pem",
            extra: [
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
            ])
    }

    /// A certificate for the key `keyName`, signed by the CA `ca` (made with ``makeCA(_:commonName:)``).
    @discardableResult
    public func issue(
        key keyName: String, commonName: String, by ca: String, name: String,
        extensions: String = "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n"
    ) throws -> String {
        try openssl(["req", "-new", "-key", keyName, "-subj", "/CN=\(commonName)", "-out", "\(name).csr"])
        try write("\(name).ext", extensions)
        try openssl([
            "x509", "-req", "-in", "\(name).csr", "-CA", "\(ca).pem", "-CAkey", "\(ca).key", "-set_serial",
            String(Int.random(in: 1000...999_999)), "-days", String(validityDays), "-extfile", "\(name).ext", "-out", name,
        ])
        return file(name)
    }

    /// Encrypts the unencrypted key `plain` into `name` with `openssl pkcs8 -topk8 ARGS` (or another
    /// command for traditional forms) under `passphrase`.
    @discardableResult
    public func encrypt(_ plain: String, as variant: KeyVariant, passphrase: String, name: String) throws -> String {
        try openssl(variant.arguments(input: plain, output: name, passphrase: passphrase))
        chmod(file(name), 0o600)
        return file(name)
    }

    /// A self-signed certificate with an explicit validity period, made by `openssl ca -selfsign`
    /// (OpenSSL 3.0's `req -x509` has no `-not_before`/`-not_after`).
    @discardableResult
    public func makeSelfSigned(key: String, commonName: String, name: String, start: String, end: String) throws -> String {
        try FileManager.default.createDirectory(atPath: file("ca-db"), withIntermediateDirectories: true)
        try write("ca-db/index.txt", "")
        try write("ca-db/serial", "1000\n")
        try write(
            "ca.cnf",
            """
            [ ca ]
            default_ca = dev
            [ dev ]
            dir = ./ca-db
            database = $dir/index.txt
            new_certs_dir = $dir
            serial = $dir/serial
            default_md = sha256
            policy = anything
            unique_subject = no
            [ anything ]
            commonName = supplied

            """)
        try openssl(["req", "-new", "-key", key, "-subj", "/CN=\(commonName)", "-out", "\(name).csr"])
        try openssl([
            "ca", "-batch", "-config", "ca.cnf", "-selfsign", "-keyfile", key, "-in", "\(name).csr",
            "-startdate", start, "-enddate", end, "-out", name,
        ])
        return file(name)
    }
}

/// The encrypted forms OpenSSL 3 writes, as made by its command-line tool.
public enum KeyVariant: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case pbes2AES256SHA256
    case pbes2AES256SHA1
    case pbes2AES256SHA384
    case pbes2AES256SHA512
    case pbes2AES128
    case pbes2AES192
    case pbes2DES3
    case scrypt
    case pbes1SHA1TripleDES
    case traditionalAES256
    case traditionalECAES256

    public var testDescription: String { rawValue }

    /// Text the loader's description of the encryption must contain.
    public var expectedDescription: String {
        switch self {
        case .pbes2AES256SHA256: return "PBES2 (PBKDF2 hmacWithSHA256, aes-256-cbc)"
        case .pbes2AES256SHA1: return "PBES2 (PBKDF2 hmacWithSHA1, aes-256-cbc)"
        case .pbes2AES256SHA384: return "PBES2 (PBKDF2 hmacWithSHA384, aes-256-cbc)"
        case .pbes2AES256SHA512: return "PBES2 (PBKDF2 hmacWithSHA512, aes-256-cbc)"
        case .pbes2AES128: return "aes-128-cbc"
        case .pbes2AES192: return "aes-192-cbc"
        case .pbes2DES3: return "des-ede3-cbc"
        case .scrypt: return "PBES2 (scrypt, aes-256-cbc)"
        case .pbes1SHA1TripleDES: return "pbeWithSHA1And3-KeyTripleDES-CBC"
        case .traditionalAES256, .traditionalECAES256: return "traditional PEM encryption (aes-256-cbc)"
        }
    }

    public func arguments(input: String, output: String, passphrase: String) -> [String] {
        let pkcs8 = ["pkcs8", "-topk8", "-in", input, "-out", output, "-passout", "pass:\(passphrase)"]
        switch self {
        case .pbes2AES256SHA256: return pkcs8 + ["-v2", "aes-256-cbc"]
        case .pbes2AES256SHA1: return pkcs8 + ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA1"]
        case .pbes2AES256SHA384: return pkcs8 + ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA384"]
        case .pbes2AES256SHA512: return pkcs8 + ["-v2", "aes-256-cbc", "-v2prf", "hmacWithSHA512"]
        case .pbes2AES128: return pkcs8 + ["-v2", "aes-128-cbc"]
        case .pbes2AES192: return pkcs8 + ["-v2", "aes-192-cbc"]
        case .pbes2DES3: return pkcs8 + ["-v2", "des3"]
        case .scrypt: return pkcs8 + ["-scrypt"]
        case .pbes1SHA1TripleDES: return pkcs8 + ["-v1", "PBE-SHA1-3DES"]
        case .traditionalAES256:
            return ["pkey", "-in", input, "-out", output, "-aes256", "-traditional", "-passout", "pass:\(passphrase)"]
        case .traditionalECAES256:
            return ["ec", "-in", input, "-out", output, "-aes256", "-passout", "pass:\(passphrase)"]
        }
    }
}
