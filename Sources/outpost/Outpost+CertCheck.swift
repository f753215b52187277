import ArgumentParser
import OutpostTLS

extension Outpost.Cert {
    /// `outpost cert check`: does this key open, and does it belong to this certificate?
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check that a private key opens and matches its certificate.",
            discussion: """
                Loads the certificate chain and the private key exactly as the server would, and prints

                  ok: key matches certificate (<common name>, <key type>, expires <date>)

                or one line naming what is wrong: a missing or unreadable file, no key or no certificate \
                where one was expected, a wrong or missing passphrase, an encryption scheme that is not \
                supported, a key that belongs to another certificate, or a certificate that has expired \
                or is not valid yet. Warnings (a key file others can read, expiry within 30 days) go to \
                stderr.

                Exit status: 0 when the pair is usable, 1 otherwise.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The PEM certificate (chain) file.", valueName: "FILE"))
        var cert: String

        @Option(
            name: .long,
            help: ArgumentHelp("The PEM private key file (default: the --cert file, for merged files).", valueName: "FILE"))
        var key: String?

        @OptionGroup var passphrase: Outpost.CertPassphraseOptions

        func run() async throws {
            try Outpost.StandardStreams.reportingErrors {
                let identity = try TLSIdentity.load(
                    certificateFile: cert, keyFile: key, passphrase: try passphrase.source())
                for warning in identity.warnings { Outpost.StandardStreams.warning(warning.message) }
                let summary = identity.summary
                print(
                    "ok: key matches certificate (\(summary.displayName), \(identity.keyDescription), "
                        + "expires \(TLSDate.text(summary.notAfter)))")
            }
        }
    }
}
