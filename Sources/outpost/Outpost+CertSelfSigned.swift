import ArgumentParser
import OutpostSecrets
import OutpostTLS

extension Outpost.Cert {
    /// `outpost cert self-signed`: a new P-256 key and certificate, self-signed or signed by a CA.
    struct SelfSigned: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "self-signed",
            abstract: "Make a new P-256 key and certificate: self-signed, a CA, or signed by your CA.",
            discussion: """
                Writes DIR/cert.pem and DIR/key.pem. The key is always encrypted (PKCS#8, PBKDF2-SHA256, \
                AES-256-CBC) and its file is created with mode 0600; DIR is created (mode 0700) if missing. \
                Existing files are not replaced unless --force is given.

                The key's passphrase is, by default, a new random one, printed on stdout as an enc:v1: \
                sealed value (sealed with the secret key file, see `outpost secret --help`), ready to \
                paste into http_server.passphrase or certificates.key_passphrase. With \
                --passphrase-stdin the passphrase is read from stdin instead and nothing is printed on \
                stdout.

                Leaf certificates may be used for both server and client authentication. Without --san \
                the common name becomes the only subject alternative name (DNS, or IP for an address).

                A small private PKI:
                  outpost cert self-signed --cn "Dev CA" --is-ca --out ca \\
                      --passphrase-stdin < ca-pass.txt
                  outpost cert self-signed --cn gw.local --san DNS:gw.local,IP:10.0.0.5 \\
                      --out gw --ca-cert ca/cert.pem --ca-key ca/key.pem \\
                      --ca-passphrase-file ca-pass.txt
                """
        )

        @Option(name: .long, help: ArgumentHelp("The subject common name.", valueName: "NAME"))
        var cn: String

        @Option(
            name: .long,
            help: ArgumentHelp(
                "Subject alternative names, comma-separated: DNS:name,IP:address (default: the common name).",
                valueName: "LIST"))
        var san: String?

        @Option(name: .long, help: ArgumentHelp("The directory to write cert.pem and key.pem to.", valueName: "DIR"))
        var out: String

        @Option(name: .long, help: "Days of validity (default: 365, or 3650 with --is-ca).")
        var days: Int?

        @Flag(name: .long, help: "Make a CA certificate (for signing others) instead of a server/client certificate.")
        var isCa = false

        @Option(name: .long, help: ArgumentHelp("Sign with this CA certificate instead of self-signing.", valueName: "FILE"))
        var caCert: String?

        @Option(name: .long, help: ArgumentHelp("The private key of --ca-cert.", valueName: "FILE"))
        var caKey: String?

        @Option(name: .long, help: ArgumentHelp("A file holding the passphrase of --ca-key.", valueName: "FILE"))
        var caPassphraseFile: String?

        @Option(
            name: .long,
            help: ArgumentHelp("An environment variable holding the passphrase of --ca-key.", valueName: "NAME"))
        var caPassphraseEnv: String?

        @Flag(name: .long, help: "Read the new key's passphrase from stdin instead of generating one.")
        var passphraseStdin = false

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        @Flag(name: .long, help: "Replace cert.pem and key.pem if they exist.")
        var force = false

        func validate() throws {
            if let days, !(1...36_500).contains(days) { throw ValidationError("--days must be between 1 and 36500") }
            if (caCert == nil) != (caKey == nil) { throw ValidationError("--ca-cert and --ca-key go together") }
            if caCert == nil, caPassphraseFile != nil || caPassphraseEnv != nil {
                throw ValidationError("--ca-passphrase-file and --ca-passphrase-env need --ca-cert and --ca-key")
            }
            if caPassphraseFile != nil, caPassphraseEnv != nil {
                throw ValidationError("give at most one of --ca-passphrase-file and --ca-passphrase-env")
            }
            if cn.isEmpty { throw ValidationError("--cn must not be empty") }
        }

        func run() async throws {
            try Outpost.StandardStreams.reportingErrors {
                let names = try san.map { try CertificateRequest.AlternativeName.parseList($0) } ?? []
                let request = CertificateRequest(
                    commonName: cn, alternativeNames: names, days: days ?? (isCa ? 3650 : 365),
                    isCertificateAuthority: isCa)
                let authority = try loadAuthority()
                let (passphrase, sealed) = try makePassphrase()
                let issued =
                    try authority.map { try CertificateIssuer.issue(request, signedBy: $0) }
                    ?? CertificateIssuer.selfSigned(request)
                let certificatePath = join(out, "cert.pem")
                let keyPath = join(out, "key.pem")
                try issued.write(
                    certificateTo: certificatePath, privateKeyTo: keyPath, passphrase: passphrase, replacing: force)
                let summary = issued.summary
                Outpost.StandardStreams.note(
                    "wrote \(certificatePath) (\(summary.displayName)\(isCa ? ", CA" : ""), "
                        + "\(summary.subjectAlternativeNames.joined(separator: ", ")), "
                        + "expires \(TLSDate.text(summary.notAfter)), "
                        + (authority == nil ? "self-signed)" : "signed by \(summary.issuer))"))
                Outpost.StandardStreams.note(
                    "wrote \(keyPath) (EC P-256, encrypted: PBES2 PBKDF2-SHA256 AES-256-CBC, mode 0600)")
                if let sealed {
                    Outpost.StandardStreams.note(
                        "the key's passphrase, sealed with \(sealed.keyFile) (open it with outpost secret decrypt):")
                    print(sealed.value)
                }
            }
        }

        private func loadAuthority() throws -> CertificateAuthority? {
            guard let caCert, let caKey else { return nil }
            let source: PassphraseSource =
                caPassphraseFile.map { .file($0) } ?? caPassphraseEnv.map { .environment($0) } ?? .none
            return try CertificateAuthority.load(certificateFile: caCert, keyFile: caKey, passphrase: source)
        }

        /// The new key's passphrase, and its sealed form when it was generated here.
        private func makePassphrase() throws -> (SecretValue, (value: String, keyFile: String)?) {
            if passphraseStdin {
                return (try Outpost.StandardStreams.readSecret(prompt: "new key passphrase: ", what: "passphrase"), nil)
            }
            let keyFile = try SecretKeyFile.loadOrCreate(at: try SecretKeyFile.resolvePath(explicit: keyFileOptions.keyFile))
            if keyFile.wasCreated {
                Outpost.StandardStreams.note("outpost: created secret key file \(keyFile.path) (mode 0600); back it up")
            }
            for warning in keyFile.warnings { Outpost.StandardStreams.warning(warning) }
            let passphrase = SecretValue.random()
            return (passphrase, (try keyFile.seal(passphrase), keyFile.path))
        }

        private func join(_ directory: String, _ name: String) -> String {
            directory.hasSuffix("/") ? directory + name : directory + "/" + name
        }
    }
}
