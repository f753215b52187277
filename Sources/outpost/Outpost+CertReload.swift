import ArgumentParser
import Foundation
import NIOHTTP1
import NIOSSL
import OutpostConfig
import OutpostLSR
import OutpostSecrets
import OutpostTLS
import OutpostWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension Outpost.Cert {
    /// `outpost cert reload`: make a running EMS re-read its certificates now, through the LocalEms
    /// `ReloadCertificates` service (with the outcome per certificate) or by SIGHUP.
    struct Reload: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "reload",
            abstract: "Make a running outpost re-read its certificates now (LocalEms ReloadCertificates, or SIGHUP).",
            discussion: """
                With --url, calls the EMS's LocalEms ReloadCertificates service and prints one line per \
                certificate in use: its material, the outcome (reloaded or rejected, with the reason), \
                and the days to expiry. Credentials come from --config (http_server.user/password, \
                sealed values opened with the key file); the EMS is verified against --cacert, else against \
                the root of the listener's configured chain (its self-signed certificate, or a CA the \
                certificate file carries). Allowed as Restart is \
                (rest_interface.restart: local = from this host only). Exit status 1 when a reload was \
                rejected.

                With --pid, sends SIGHUP to that process (EMS, script resource or platform); the \
                outcome is in its log.

                The processes also notice changed certificate, key, chain and CA files by themselves \
                within seconds; this forces a re-read, e.g. after changing only a passphrase file. New \
                handshakes use the new material; established connections are kept. Material that \
                cannot be used (wrong passphrase, key mismatch, expired, unparsable) is refused with the \
                reason, and the previous certificate stays in use.
                """
        )

        @Option(name: .long, help: ArgumentHelp("Process id of the running outpost (sends SIGHUP).", valueName: "PID"))
        var pid: Int32?

        @Option(name: .long, help: ArgumentHelp("Base URL of the running EMS, e.g. https://127.0.0.1:8000.", valueName: "URL"))
        var url: String?

        @Option(name: .long, help: ArgumentHelp("The EMS config: credentials and the listener certificate to trust.", valueName: "FILE"))
        var config = "config.json"

        @Option(name: .long, help: ArgumentHelp("Where the EMS keeps its state (default: state/ next to the config).", valueName: "DIR"))
        var stateDir: String?

        @Option(name: .long, help: ArgumentHelp("Trust this CA (PEM) instead of the listener certificate named by --config.", valueName: "FILE"))
        var cacert: String?

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        func validate() throws {
            guard (pid == nil) != (url == nil) else {
                throw ValidationError("give either --url (LocalEms ReloadCertificates) or --pid (SIGHUP)")
            }
        }

        func run() async throws {
            if let pid {
                guard pid > 1 else { throw CLIError("--pid must be the id of the running outpost process") }
                guard kill(pid, SIGHUP) == 0 else {
                    throw CLIError("cannot signal process \(pid): \(String(cString: strerror(errno)))")
                }
                print("sent SIGHUP to \(pid); the outcome is in its log")
                return
            }
            guard let url else { return }
            let client = EMSClient(connection: try connection(url))
            let reply: EMSReply
            do {
                reply = try await client.call(.POST, "/Thingworx/Things/LocalEms/Services/ReloadCertificates", json: .object([:]))
            } catch {
                await client.shutdown()
                throw CLIError("ReloadCertificates failed: \(error.message)")
            }
            await client.shutdown()
            guard case .array(let rows)? = reply.json?["rows"] else {
                throw CLIError("the EMS answered ReloadCertificates without rows: \(reply.text.prefix(300))")
            }
            var rejected = false
            for row in rows {
                func text(_ key: String) -> String { row[key]?.stringValue ?? "" }
                let days = row["daysToExpiry"].flatMap { value -> Int? in
                    if case .number(let number) = value { return Int(number) }
                    if case .integer(let number) = value { return Int(number) }
                    return nil
                }
                if text("result") == "rejected" { rejected = true }
                let certificate = text("certificate").isEmpty ? "-" : "\(text("certificate")) (\(days.map { "\($0) days left" } ?? "?"), \(text("level")))"
                print("\(text("result").uppercased())  \(text("material"))  \(certificate)  \(text("file"))")
                if text("result") == "rejected" { print("    \(text("message"))") }
            }
            if rejected { throw ExitCode.failure }
        }

        /// The EMS connection: Basic credentials from the config; the server must chain to --cacert, else
        /// to the root of the listener's configured chain (a self-signed certificate trusts itself); host
        /// names are not checked (the URL may name the EMS by address).
        private func connection(_ url: String) throws -> EMSConnection {
            let (emsConfig, stateDirectory) = try Outpost.Cert.loadEMSConfig(config, stateDir: stateDir)
            var base = url
            while base.hasSuffix("/") { base.removeLast() }
            var connection = EMSConnection(baseURL: base, timeout: .seconds(30))
            if base.lowercased().hasPrefix("https://") {
                let roots: TrustRoots
                do {
                    roots = try TrustRoots.load([try cacert ?? listenerRoot(emsConfig, stateDirectory: stateDirectory)])
                } catch let error as TLSMaterialError {
                    throw CLIError("cannot trust \(cacert ?? "the listener's certificate"): \(error.message)")
                }
                connection.tls = .outpostClient(trustRoots: roots, verification: .noHostnameVerification)
            }
            let http = emsConfig.httpServer
            if http.authenticate, let user = http.user, let password = http.password {
                let resolver: SecretResolver
                let opened: SecretValue
                do {
                    resolver = try SecretResolver(explicitKeyFile: keyFileOptions.keyFile)
                } catch {
                    throw CLIError(error.message)
                }
                do {
                    opened = try resolver.resolve(password.rawValue, key: "http_server.password")
                } catch {
                    throw CLIError(error.message)
                }
                var credentials = Array(user.utf8)
                credentials.append(UInt8(ascii: ":"))
                opened.withUnsafeBytes { credentials.append(contentsOf: $0) }
                connection.authorization = SecretValue("Basic " + Data(credentials).base64EncodedString())
                connection.userID = user
            }
            return connection
        }

        /// The file holding the root the listener's certificate chains to: the last certificate of the
        /// configured chain when it is self-signed (a CA sent along, or a self-signed leaf).
        private func listenerRoot(_ emsConfig: EMSConfig, stateDirectory: String) throws -> String {
            let files = ConfigCertificateFiles(config: emsConfig, stateDirectory: stateDirectory)
            let chain = files.certificates().inUse.filter { $0.role.hasPrefix("http_server certificate") || $0.role.hasPrefix("http_server chain") }
            guard let last = chain.last(where: { !$0.role.contains(" for ") }), last.summary.isSelfIssued else {
                throw CLIError(
                    "the listener's certificate in \(config) is issued by a CA that is not in its file; pass that CA with --cacert FILE")
            }
            return last.path
        }
    }
}
