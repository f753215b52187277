import ArgumentParser
import Foundation
import Logging
import NIOSSL
import OutpostConfig
import OutpostSecrets
import OutpostTLS
import OutpostUplink

extension Outpost {
    /// `outpost doctor`: is this install's TLS in order, and do the handshakes work?
    struct Doctor: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "doctor",
            abstract: "Check the TLS material of an EMS config and make live handshakes to the platform and the listener.",
            discussion: """
                Checks, one line each as ok, WARN or FAIL with the fix: the listener's certificate and \
                key (files, permissions, passphrase, match, expiry, chain completeness, client CA), the \
                uplink's client certificate and trusted CAs, then a TLS handshake to every ws_servers \
                entry (judged as the uplink judges it) and to the local listener (which must present \
                the configured certificate).

                Exit status: 0 when nothing failed, 1 otherwise.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The EMS config file.", valueName: "FILE"))
        var config: String = "config.json"

        @Option(name: .long, help: ArgumentHelp("Where the EMS keeps its state (default: state/ next to the config).", valueName: "DIR"))
        var stateDir: String?

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        @Flag(name: .long, help: "Skip the live handshakes (check files only).")
        var offline = false

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Roots the listener's clients trust (PEM), to tell a missing intermediate from a leaf signed by a root; repeatable (default: the system bundle).",
                valueName: "FILE"))
        var caFile: [String] = []

        func run() async throws {
            let (emsConfig, stateDirectory) = try Outpost.Cert.loadEMSConfig(config, stateDir: stateDir)
            var report = DoctorReport()
            report.ok("config", "\(config) loads without errors")
            let resolver: SecretResolver
            do {
                resolver = try SecretResolver(explicitKeyFile: keyFileOptions.keyFile)
            } catch {
                throw CLIError(error.message)
            }
            let listener = checkListener(emsConfig.httpServer, resolver: resolver, stateDirectory: stateDirectory, report: &report)
            checkUplink(emsConfig.certificates, resolver: resolver, report: &report)
            if !offline {
                await probePlatform(emsConfig, resolver: resolver, report: &report)
                if let listener { await probeListener(emsConfig.httpServer, expected: listener, report: &report) }
            }
            print(report.lines.joined(separator: "\n"))
            if report.failed { throw ExitCode.failure }
        }

        /// The listener's material, loaded as the EMS loads it; returns its leaf for the live check.
        private func checkListener(
            _ http: HTTPServerConfig, resolver: SecretResolver, stateDirectory: String, report: inout DoctorReport
        ) -> CertificateSummary? {
            guard http.ssl else {
                report.warn("http_server TLS", "ssl is false: requests and credentials travel in clear", fix: "set http_server.ssl to true")
                return nil
            }
            let installPath = stateDirectory + "/ems-https.crt"
            let hasConfigured = !(http.tlsDirectory ?? "").isEmpty || (!http.useDefaultCertificate && !(http.certificate ?? "").isEmpty)
            if !hasConfigured && !FileManager.default.fileExists(atPath: installPath) {
                report.ok("http_server certificate", "none configured; one is generated for this install at first start (\(installPath))")
                return nil
            }
            let source = ServerTLSSource(
                listener: "http_server", directory: http.tlsDirectory,
                certificateFile: hasConfigured && !http.useDefaultCertificate ? http.certificate : (hasConfigured ? nil : installPath),
                keyFile: http.useDefaultCertificate ? nil : http.privateKey,
                passphrase: .config(http.passphrase?.rawValue ?? "", key: "http_server.passphrase", resolver: resolver))
            if !hasConfigured {
                report.ok("http_server certificate", "this install's generated certificate \(installPath)")
                return (try? PEMCertificate.load(installPath).first)?.summary
            }
            let material: ServerTLSMaterial
            do {
                material = try source.load()
            } catch {
                report.fail("http_server certificate", error.message, fix: Self.fix(for: error))
                return nil
            }
            let identity = material.defaultIdentity
            report.ok(
                "http_server certificate",
                "\(material.origin): \(identity.summary.displayName), \(identity.keyDescription) key"
                    + (identity.keyEncryption.map { " encrypted (\($0))" } ?? " NOT encrypted") + ", matches")
            if identity.keyEncryption == nil {
                report.warn("http_server key", "the private key is stored unencrypted", fix: "openssl pkcs8 -topk8 -v2 aes-256-cbc -in KEY -out KEY.enc and set a passphrase")
            }
            for warning in material.warnings where warning.kind != .expiresSoon {
                switch warning.kind {
                case .keyFileAccessibleByOthers: report.warn("permissions", warning.message, fix: "chmod 600 \(warning.path)")
                default: report.warn("http_server material", warning.message, fix: "see the message")
                }
            }
            checkChain(identity, report: &report)
            for certificate in material.certificatesInUse(listener: "http_server") {
                report.expiry(certificate)
            }
            report.ok(
                "http_server client certificates",
                material.clientCA == nil ? "not requested (no ca.pem)" : "required, signed by \(material.clientCA!.paths.joined(separator: ", "))")
            return identity.summary
        }

        /// Tells a leaf signed directly by a root clients trust (fine) from a missing intermediate: the
        /// issuer of the last certificate sent is looked up in --ca-file, else in the system bundle.
        private func checkChain(_ identity: TLSIdentity, report: inout DoctorReport) {
            let files = caFile.isEmpty ? [Self.systemBundle] : caFile
            let searched = caFile.isEmpty ? "the system trust store" : files.joined(separator: ", ")
            let fix = "append the intermediate certificate(s) to the certificate file or to chain.pem"
            switch ChainCompleteness.evaluate(identity, candidates: ChainCompleteness.candidates(from: files)) {
            case .selfSigned:
                report.ok("http_server chain", "self-signed certificate: clients must trust it directly (outpost cert export)")
            case .endsAtRoot(let root):
                report.ok("http_server chain", "complete up to the root \(root.displayName)")
            case .signedByTrustedRoot(let root, let file):
                report.ok("http_server chain", "signed directly by the root \(root.displayName) (in \(file)), which clients hold: nothing is missing")
            case .intermediateMissing(let intermediate, let file):
                report.warn(
                    "http_server chain",
                    "intermediate missing: the chain ends at \(identity.chainSummaries.last?.displayName ?? "?"), issued by the intermediate "
                        + "\(intermediate.displayName) (found in \(file), issued by \(intermediate.issuer)), which is not sent; clients cannot build the chain",
                    fix: fix)
            case .issuerNotFound(let issuer):
                report.warn(
                    "http_server chain",
                    "the chain ends at \(identity.chainSummaries.last?.displayName ?? "?"), issued by \(issuer), which is neither sent nor a root in "
                        + "\(searched): an intermediate is missing, or clients must be given that root",
                    fix: fix + ", or pass the roots your clients trust with --ca-file to check again")
            }
        }

        /// Debian's CA bundle: the roots clients of the listener are assumed to trust without --ca-file.
        static let systemBundle = "/etc/ssl/certs/ca-certificates.crt"

        private func checkUplink(_ certificates: CertificatesConfig, resolver: SecretResolver, report: inout DoctorReport) {
            if let client = certificates.clientCert, !client.isEmpty {
                let passphrase: PassphraseSource =
                    certificates.keyPassphrase.map { .config($0.rawValue, key: "certificates.key_passphrase", resolver: resolver) } ?? .none
                do {
                    let identity = try TLSIdentity.load(certificateFile: client, keyFile: certificates.keyFile, passphrase: passphrase)
                    report.ok("uplink client certificate", "\(identity.summary.displayName) (\(client)), key matches")
                    for warning in identity.warnings where warning.kind == .keyFileAccessibleByOthers {
                        report.warn("permissions", warning.message, fix: "chmod 600 \(warning.path)")
                    }
                    report.expiry(CertificateInUse(role: "uplink client certificate", path: client, summary: identity.summary))
                } catch {
                    report.fail("uplink client certificate", error.message, fix: Self.fix(for: error))
                }
            }
            if !certificates.certChain.isEmpty {
                do {
                    let roots = try TrustRoots.load(certificates.certChain)
                    report.ok("uplink trusted CAs", "\(roots.certificates.count) certificate(s) from \(certificates.certChain.joined(separator: ", "))")
                    for item in roots.certificates {
                        report.expiry(CertificateInUse(role: "uplink trusted CA", path: certificates.certChain[0], summary: item.summary))
                    }
                } catch {
                    report.fail("uplink trusted CAs", error.message, fix: Self.fix(for: error))
                }
            }
        }

        private func probePlatform(_ config: EMSConfig, resolver: SecretResolver, report: inout DoctorReport) async {
            guard config.wsConnection.encryption != .none else {
                report.warn("platform handshake", "ws_connection.encryption is none: the uplink does not use TLS", fix: "set it to ssl")
                return
            }
            let tls: UplinkSettings.TLS
            do {
                tls = try UplinkSettings.makeTLS(config.certificates, resolver: resolver, logger: Logger(label: "outpost.doctor", factory: { _ in SwiftLogNoOpLogHandler() }), reloadable: false)
            } catch {
                report.fail("platform handshake", "the uplink's TLS cannot be set up: \(error.message)", fix: "fix the certificates group first")
                return
            }
            for server in config.wsServers {
                guard let host = server.host, let port = server.port else { continue }
                let name = "platform handshake \(host):\(port)"
                let outcome = await TLSProbe.handshake(host: host, port: port, context: tls.context, serverName: Self.isIPLiteral(host) ? nil : host)
                if let failure = outcome.failure {
                    report.fail(name, failure, fix: Self.probeFix(failure))
                    continue
                }
                if let verdict = await tls.trust.evaluate(chainDER: outcome.chain, host: host) {
                    report.fail(name, verdict.message, fix: "trust the platform's CA in certificates.cert_chain, or check the host name")
                } else {
                    let leaf = outcome.chain.first.flatMap { try? CertificateSummary(der: $0) }
                    report.ok(name, "verified, presents \(leaf?.displayName ?? "?") (chain of \(outcome.chain.count))")
                }
            }
        }

        private func probeListener(_ http: HTTPServerConfig, expected: CertificateSummary, report: inout DoctorReport) async {
            let host = ["0.0.0.0", "::", "", "localhost"].contains(http.host) ? "127.0.0.1" : http.host
            let name = "listener handshake \(host):\(http.port)"
            var configuration = TLSConfiguration.outpostClient(verification: .noHostnameVerification)
            configuration.trustRoots = .certificates([])
            guard let context = try? NIOSSLContext(configuration: configuration) else { return }
            let outcome = await TLSProbe.handshake(host: host, port: http.port, context: context, serverName: nil)
            if let failure = outcome.failure {
                if failure.contains("cannot connect") {
                    report.warn(name, failure, fix: "start the EMS (outpost ems --config \(config)) and run doctor again")
                } else {
                    report.fail(name, failure, fix: Self.probeFix(failure))
                }
                return
            }
            let presented = outcome.chain.first.flatMap { try? CertificateSummary(der: $0) }
            if presented?.sha256Fingerprint == expected.sha256Fingerprint {
                report.ok(name, "presents the configured certificate \(expected.displayName)")
            } else {
                report.warn(
                    name, "presents \(presented?.displayName ?? "?"), not the configured \(expected.displayName)",
                    fix: "the running EMS has other material: wait a few seconds for the reload, or see its log for a rejected reload")
            }
        }

        static func fix(for error: TLSMaterialError) -> String {
            switch error.code {
            case .fileMissing: return "check the path in the config, or create the file"
            case .permissionDenied: return "let the outpost user read it (chown/chmod)"
            case .wrongPassphrase: return "set the passphrase that opens the key (outpost secret encrypt to seal it)"
            case .passphraseRequired: return "set the passphrase key for this key file"
            case .keyMismatch: return "pair the certificate with its own key (outpost cert check --cert … --key …)"
            case .certificateExpired: return "renew the certificate and replace the file (reloaded without restart)"
            case .certificateNotYetValid: return "check this machine's clock"
            case .notACertificate, .notAKey, .damaged: return "replace the file with a PEM certificate/key (openssl x509 -in … -text to inspect)"
            case .unsupportedAlgorithm: return "re-encrypt: openssl pkcs8 -topk8 -v2 aes-256-cbc"
            default: return "see the message"
            }
        }

        static func isIPLiteral(_ host: String) -> Bool {
            host.contains(":") || host.allSatisfy { $0 == "." || $0.isNumber }
        }

        static func probeFix(_ failure: String) -> String {
            if failure.contains("cannot connect") { return "check the host and port, firewalls, and that the server runs" }
            if failure.contains("CERTIFICATE_REQUIRED") || failure.contains("eof") || failure.contains("EOF") {
                return "the server probably wants a client certificate: set certificates.client_cert and key_file"
            }
            return "check that the port speaks TLS and the server's configuration"
        }
    }
}

/// Doctor output: one line per check.
struct DoctorReport {
    var lines: [String] = []
    var failed = false

    mutating func ok(_ check: String, _ detail: String) { lines.append("ok    \(check): \(detail)") }

    mutating func warn(_ check: String, _ detail: String, fix: String) { lines.append("WARN  \(check): \(detail); fix: \(fix)") }

    mutating func fail(_ check: String, _ detail: String, fix: String) {
        failed = true
        lines.append("FAIL  \(check): \(detail); fix: \(fix)")
    }

    mutating func expiry(_ certificate: CertificateInUse) {
        let expiry = certificate.expiry()
        let check = "expiry of \(certificate.role) \(certificate.summary.displayName)"
        switch expiry.level {
        case .ok: lines.append("ok    \(check): \(expiry.daysLeft) days left")
        case .expired: fail(check, "expired on \(TLSDate.text(expiry.notAfter))", fix: "renew it and replace the file")
        default: warn(check, "\(expiry.daysLeft) days left", fix: "renew it before \(TLSDate.text(expiry.notAfter))")
        }
    }
}
