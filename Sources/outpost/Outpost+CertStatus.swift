import ArgumentParser
import Foundation
import OutpostConfig
import OutpostTLS

extension Outpost.Cert {
    /// `outpost cert status`: days to expiry of every certificate a config uses.
    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show days to expiry of every certificate an EMS config uses.",
            discussion: """
                Lists the HTTPS listener's certificate (from http_server.tls_directory, certificate, or \
                the one generated for this install), its chain, SNI and client-CA certificates, the \
                uplink's client certificate and the trusted CAs of certificates.cert_chain, one line \
                each:

                  LEVEL  DAYS  ROLE  NAME  FILE

                LEVEL is ok, 30d, 14d, 7d (30, 14 or 7 days or fewer left) or EXPIRED; the running EMS \
                logs the same levels at start and daily.

                Exit status: 0 when every certificate is valid and readable, 1 otherwise.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The EMS config file.", valueName: "FILE"))
        var config: String = "config.json"

        @Option(name: .long, help: ArgumentHelp("Where the EMS keeps its state (default: state/ next to the config).", valueName: "DIR"))
        var stateDir: String?

        func run() async throws {
            let (emsConfig, stateDirectory) = try Outpost.Cert.loadEMSConfig(config, stateDir: stateDir)
            let files = ConfigCertificateFiles(config: emsConfig, stateDirectory: stateDirectory)
            let (inUse, errors) = files.certificates()
            var failed = !errors.isEmpty
            let now = Date()
            for certificate in inUse {
                let expiry = certificate.expiry(at: now)
                if expiry.level == .expired { failed = true }
                print(
                    [Self.tag(expiry.level), String(expiry.daysLeft), certificate.role, certificate.summary.displayName, certificate.path]
                        .joined(separator: "  "))
            }
            for (file, error) in errors {
                print("ERROR  -  \(file.role)  -  \(error.message)")
            }
            if inUse.isEmpty && errors.isEmpty { print("no certificates in use (TLS is off and no uplink certificates are set)") }
            if failed { throw ExitCode.failure }
        }

        static func tag(_ level: CertificateExpiry.Level) -> String {
            switch level {
            case .ok: return "ok"
            case .within30Days: return "30d"
            case .within14Days: return "14d"
            case .within7Days: return "7d"
            case .expired: return "EXPIRED"
            }
        }
    }

    /// Reads and checks an EMS config for the `cert` commands; errors become one `outpost: error:` line.
    static func loadEMSConfig(_ path: String, stateDir: String?) throws -> (EMSConfig, String) {
        let bytes: [UInt8]
        do {
            bytes = try ConfigFileReader.read(path)
        } catch {
            throw CLIError(error.description)
        }
        let loaded = EMSConfig.load(bytes)
        guard let config = loaded.config, !loaded.hasErrors else {
            throw CLIError("\(path) has errors; run `outpost validate \(path)` to see them")
        }
        let directory = stateDir ?? (URL(fileURLWithPath: path).deletingLastPathComponent().path + "/state")
        return (config, directory)
    }
}
