import Foundation
import OutpostTestSupport
import OutpostSecrets
import OutpostTLS
import Testing

struct WorldError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A working directory with a development PKI (CA, and a CA-issued certificate for 127.0.0.1 whose key is
/// encrypted) and helpers to start `outpost platform`, `outpost ems` and `outpost lsr` as processes, as an
/// operator runs them.
final class LSRWorld: @unchecked Sendable {
    let directory: String
    let pki: DevelopmentPKI.Paths
    static let keyPassphrase = "world key passphrase"
    static let emsUser = "emsuser"
    static let emsPassword = "ems-pass-1"
    static let luaUser = "luauser"
    static let luaPassword = "lua-pass-1"
    static let adminToken = "world-admin-token"
    var environment: [String: String] { ["OUTPOST_SECRET_KEY_FILE": directory + "/secret.key"] }

    init() throws {
        directory = NSTemporaryDirectory() + "outpost-lsr-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory + "/scripts/templates", withIntermediateDirectories: true)
        pki = try DevelopmentPKI.create(in: directory + "/pki", passphrase: SecretValue(Self.keyPassphrase))
    }

    deinit {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func write(_ text: String, to name: String) throws {
        let path = directory + "/" + name
        try FileManager.default.createDirectory(
            atPath: URL(fileURLWithPath: path).deletingLastPathComponent().path, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// The repository's `scripts/` (the shipped example templates).
    static var repositoryScripts: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("scripts").path
    }

    // MARK: Processes

    struct Platform {
        let process: ChildProcess
        let alwaysOn: Int
        let admin: Int
    }

    /// `outpost platform` with `subscriptions` (thing, property, push type, threshold).
    func startPlatform(subscriptions: [(String, String, String, Double)]) async throws -> Platform {
        let rows = subscriptions.map { #"{ "thing": "\#($0.0)", "property": "\#($0.1)", "push_type": "\#($0.2)", "push_threshold": \#($0.3) }"# }
        try write(#"""
            { "listen": { "host": "127.0.0.1", "port": 0, "resource": "/Thingworx/WS" },
              "app_keys": ["world-app-key"],
              "admin": { "host": "127.0.0.1", "port": 0, "token": "\#(Self.adminToken)" },
              "store": { "path": "\#(directory)/things.json" },
              "subscriptions": [\#(rows.joined(separator: ", "))] }
            """#, to: "platform.json")
        let process = try ChildProcess(["platform", "--config", directory + "/platform.json"], environment: environment)
        guard let line = await process.line(timeout: 30, where: { $0.hasPrefix("listening") }) else {
            throw WorldError("platform did not start: \(process.stderr)")
        }
        var ports: [String: Int] = [:]
        for part in line.split(separator: " ") {
            let pair = part.split(separator: "=")
            if pair.count == 2 { ports[String(pair[0])] = Int(pair[1]) }
        }
        return Platform(process: process, alwaysOn: ports["alwayson"] ?? 0, admin: ports["admin"] ?? 0)
    }

    struct EMS {
        let process: ChildProcess
        let base: String
        let port: Int
    }

    /// `outpost ems` on `port` with Basic `emsuser`/`password`; with the PKI's certificate unless
    /// `ownCertificate` (then its self-signed per-install one in `state/`). Without a platform its uplink
    /// points at a closed port (the EMS answers LocalEms services offline).
    func startEMS(port: Int, password: String = LSRWorld.emsPassword, platform: Platform?, ownCertificate: Bool = false, name: String = "config.json") async throws -> EMS {
        let closedPort = try freePort()
        let upstream = platform.map { #""ws_servers": [{ "host": "127.0.0.1", "port": \#($0.alwaysOn) }], "appKey": "world-app-key", "ws_connection": { "encryption": "none" },"# } ?? #""ws_servers": [{ "host": "127.0.0.1", "port": \#(closedPort) }], "appKey": "world-app-key", "ws_connection": { "encryption": "none" },"#
        let certificate = ownCertificate ? "" : #""certificate": "\#(pki.serverCertificate)", "private_key": "\#(pki.serverKey)", "passphrase": "\#(Self.keyPassphrase)","#
        try write(#"""
            { \#(upstream)
              "certificates": { "validate": true, "cert_chain": ["\#(pki.caCertificate)"] },
              "http_server": { "host": "127.0.0.1", "port": \#(port), "ssl": true, \#(certificate) "authenticate": true,
                               "user": "\#(Self.emsUser)", "password": "\#(password)" } }
            """#, to: name)
        let process = try ChildProcess(
            ["ems", "--config", directory + "/" + name, "--state-dir", directory + "/state"], environment: environment)
        guard let line = await process.line(timeout: 30, where: { $0.hasPrefix("listening ") }) else {
            throw WorldError("ems did not start: \(process.stderr)")
        }
        let base = String(line.dropFirst("listening ".count))
        return EMS(process: process, base: base, port: Int(base.split(separator: ":").last ?? "") ?? 0)
    }

    /// A config.lua for the LSR: rap_* to the EMS on `emsPort`, the listener on a free port with the
    /// PKI's certificate and encrypted key, and `things` (Lua table constructors after `scripts.<Name> =`).
    func writeLuaConfig(
        emsPort: Int, rapPassword: String = LSRWorld.emsPassword, certFile: String? = nil, denySelfSigned: Bool = true,
        scriptDirectory: String? = nil, things: [String: String], name: String = "config.lua"
    ) throws {
        var text = """
            scripts.log_level = "INFO"
            scripts.rap_host, scripts.rap_port = "127.0.0.1", \(emsPort)
            scripts.rap_ssl, scripts.rap_validate, scripts.rap_deny_selfsigned = true, true, \(denySelfSigned)
            scripts.rap_cert_file = "\(certFile ?? pki.caCertificate)"
            scripts.rap_server_authenticate = true
            scripts.rap_userid, scripts.rap_password = "\(Self.emsUser)", "\(rapPassword)"
            scripts.rap_timeout = 5000
            scripts.script_resource_host, scripts.script_resource_port = "127.0.0.1", \(try freePort())
            scripts.script_resource_ssl = true
            scripts.script_resource_certificate_chain = "\(pki.serverCertificate)"
            scripts.script_resource_private_key = "\(pki.serverKey)"
            scripts.script_resource_passphrase = "\(Self.keyPassphrase)"
            scripts.script_resource_authenticate = true
            scripts.script_resource_userid, scripts.script_resource_password = "\(Self.luaUser)", "\(Self.luaPassword)"

            """
        if let scriptDirectory { text += "scripts.script_directory = \"\(scriptDirectory)\"\n" }
        for (thing, table) in things.sorted(by: { $0.key < $1.key }) {
            text += "scripts.\(thing) = \(table)\n"
        }
        try write(text, to: name)
    }

    struct LSR {
        let process: ChildProcess
        let base: String
    }

    func startLSR(config: String = "config.lua", logLevel: String = "info") async throws -> LSR {
        let process = try ChildProcess(
            ["lsr", "--config", directory + "/" + config, "--log-level", logLevel], environment: environment)
        guard let line = await process.line(timeout: 30, where: { $0.hasPrefix("listening ") }) else {
            throw WorldError("lsr did not start: \(process.stderr)")
        }
        return LSR(process: process, base: String(line.dropFirst("listening ".count)))
    }

    // MARK: Requests

    /// curl against the EMS with its credentials and the CA: (status, body).
    func ems(_ ems: EMS, _ method: String, _ path: String, body: String? = nil, caFile: String? = nil) async throws -> (Int, String) {
        var arguments = ["-s", "-S", "--max-time", "15", "-w", "\n%{http_code}", "-X", method, "--cacert", caFile ?? pki.caCertificate,
                         "-u", "\(Self.emsUser):\(Self.emsPassword)", "-H", "Content-Type: application/json"]
        if let body { arguments += ["--data-binary", body] }
        arguments.append(ems.base + path)
        return try Self.statusAndBody(try await Self.run("/usr/bin/curl", arguments))
    }

    /// curl against the platform's admin API.
    func admin(_ platform: Platform, _ method: String, _ path: String, body: String? = nil) async throws -> (Int, String) {
        var arguments = ["-s", "-S", "--max-time", "30", "-w", "\n%{http_code}", "-X", method, "-H", "Authorization: Bearer \(Self.adminToken)"]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append("http://127.0.0.1:\(platform.admin)" + path)
        return try Self.statusAndBody(try await Self.run("/usr/bin/curl", arguments))
    }

    /// curl straight at the LSR's callback listener.
    func lsr(_ lsr: LSR, _ method: String, _ path: String, body: String? = nil, user: String = LSRWorld.luaUser, password: String = LSRWorld.luaPassword) async throws -> (Int, String) {
        var arguments = ["-s", "-S", "--max-time", "30", "-w", "\n%{http_code}", "-X", method, "--cacert", pki.caCertificate,
                         "-u", "\(user):\(password)"]
        if let body { arguments += ["-H", "Content-Type: application/json", "--data-binary", body] }
        arguments.append(lsr.base + path)
        return try Self.statusAndBody(try await Self.run("/usr/bin/curl", arguments))
    }

    static func statusAndBody(_ output: String) throws -> (Int, String) {
        guard let newline = output.lastIndex(of: "\n"), let status = Int(output[output.index(after: newline)...]) else {
            throw WorldError("no status in curl output: \(output.prefix(300))")
        }
        return (status, String(output[..<newline]))
    }

    /// Polls `check` every 100 ms until it returns a value or `timeout` passes.
    static func eventually<T>(_ what: @autoclosure () -> String, timeout: Double = 20, _ check: () async throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try await check() { return value }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw WorldError("gave up waiting \(timeout) s for \(what())")
    }

    /// Runs a program to completion; returns stdout.
    static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        try await TestProcess.run(executable, arguments).output
    }
}

/// A port nobody listens on right now.
func freePort() throws -> Int {
    try TestProcess.freePort()
}
