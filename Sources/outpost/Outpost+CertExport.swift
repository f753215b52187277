import ArgumentParser
import Foundation
import OutpostConfig
import OutpostTLS

extension Outpost.Cert {
    /// `outpost cert export`: the certificate clients should trust, with ready-to-use commands.
    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Write the certificate clients of the EMS listener should trust, with its fingerprint.",
            discussion: """
                Finds the HTTPS listener's certificate as the EMS does (http_server.tls_directory, \
                certificate, or the one generated for this install) and writes the certificate a client \
                should import: the CA at the top of the chain when the file includes one, else the \
                certificate itself (a self-signed certificate is its own CA). --leaf always writes the \
                server certificate.

                Prints the SHA-256 fingerprint, to compare over a second channel, and a `curl --cacert` \
                and an `openssl s_client` line that use the written file.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The EMS config file.", valueName: "FILE"))
        var config: String = "config.json"

        @Option(name: .long, help: ArgumentHelp("Where the EMS keeps its state (default: state/ next to the config).", valueName: "DIR"))
        var stateDir: String?

        @Option(name: .long, help: ArgumentHelp("Where to write the PEM certificate.", valueName: "FILE"))
        var out: String

        @Flag(name: .long, help: "Write the server certificate even when its chain includes a CA.")
        var leaf = false

        func run() async throws {
            let (emsConfig, stateDirectory) = try Outpost.Cert.loadEMSConfig(config, stateDir: stateDir)
            guard emsConfig.httpServer.ssl else {
                throw CLIError("http_server.ssl is false in \(config): the listener has no certificate to export")
            }
            let files = ConfigCertificateFiles(config: emsConfig, stateDirectory: stateDirectory)
            guard let path = files.listenerCertificate else {
                throw CLIError("no listener certificate found for \(config)")
            }
            try Outpost.StandardStreams.reportingErrors {
                var chain = try PEMCertificate.load(path)
                if let tlsDirectory = emsConfig.httpServer.tlsDirectory, path == TLSDirectory(tlsDirectory).certificateFile,
                    FileManager.default.fileExists(atPath: TLSDirectory(tlsDirectory).chainFile)
                {
                    chain += try PEMCertificate.load(TLSDirectory(tlsDirectory).chainFile, what: "chain file")
                }
                let chosen = Self.choose(chain, leafOnly: leaf)
                let summary = chosen.summary
                let pem = Self.pem(chosen.der)
                do {
                    try pem.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    throw CLIError("cannot write \(out): \(error.localizedDescription)")
                }
                let http = emsConfig.httpServer
                let host = ["0.0.0.0", "::", ""].contains(http.host) ? "localhost" : http.host
                let hostPort = host.contains(":") ? "[\(host)]:\(http.port)" : "\(host):\(http.port)"
                let what = summary.isSelfIssued && !summary.isCertificateAuthority && chosen.der == chain[0].der
                    ? "self-signed server certificate" : (chosen.der == chain[0].der ? "server certificate" : "CA certificate")
                print("wrote \(out): \(what) \(summary.displayName), valid until \(TLSDate.text(summary.notAfter))")
                print("SHA-256 fingerprint: \(summary.sha256Fingerprint)")
                let user = http.authenticate ? " -u \(http.user ?? "USER")" : ""
                print("curl --cacert \(out)\(user) https://\(hostPort)/Thingworx/Things/LocalEms/Properties/isConnected")
                print("openssl s_client -connect \(hostPort) -CAfile \(out) -servername \(host) -verify_return_error </dev/null")
            }
        }

        /// The top of the chain when it is a CA, else the leaf.
        static func choose(_ chain: [PEMCertificate], leafOnly: Bool) -> PEMCertificate {
            if !leafOnly, chain.count > 1, let top = chain.last, top.summary.isCertificateAuthority || top.summary.isSelfIssued {
                return top
            }
            return chain[0]
        }

        static func pem(_ der: [UInt8]) -> String {
            let base64 = Data(der).base64EncodedString()
            var text = "-----BEGIN CERTIFICATE-----\n"
            var start = base64.startIndex
            while start < base64.endIndex {
                let end = base64.index(start, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
                text += base64[start..<end] + "\n"
                start = end
            }
            return text + "-----END CERTIFICATE-----\n"
        }
    }
}
