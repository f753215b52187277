import ArgumentParser
import OutpostTLS

extension Outpost {
    /// `outpost cert`: make, inspect and check TLS certificates and keys.
    struct Cert: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "cert",
            abstract: "Make, inspect and check TLS certificates and private keys.",
            discussion: """
                Outpost reads PEM certificates (chains allowed, with or without "Bag Attributes" text) \
                and private keys in every form OpenSSL writes: PKCS#8, PKCS#1 and SEC1, and encrypted \
                PKCS#8 with PBKDF2 (any HMAC) or scrypt, AES or 3DES, or legacy PBES1, and traditional \
                "Proc-Type: 4,ENCRYPTED" PEM. A key and its certificates may share one file.

                Passphrases never go on the command line: give a file (--passphrase-file), the name of \
                an environment variable (--passphrase-env), or pipe it in (--passphrase-stdin).
                """,
            subcommands: [SelfSigned.self, Inspect.self, Check.self, Status.self, Export.self, Reload.self, Outpost.Doctor.self]
        )
    }

    /// How a `cert` command gets the passphrase of a private key.
    struct CertPassphraseOptions: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "A file holding the key's passphrase (one trailing newline is ignored).", valueName: "FILE"))
        var passphraseFile: String?

        @Option(
            name: .long,
            help: ArgumentHelp("The name of an environment variable holding the key's passphrase.", valueName: "NAME"))
        var passphraseEnv: String?

        @Flag(name: .long, help: "Read the key's passphrase from stdin (one trailing newline is ignored).")
        var passphraseStdin = false

        func validate() throws {
            let given = [passphraseFile != nil, passphraseEnv != nil, passphraseStdin].filter { $0 }.count
            if given > 1 {
                throw ValidationError("give at most one of --passphrase-file, --passphrase-env and --passphrase-stdin")
            }
        }

        /// The chosen source; reads stdin now if asked to.
        func source() throws -> PassphraseSource {
            if let passphraseFile { return .file(passphraseFile) }
            if let passphraseEnv { return .environment(passphraseEnv) }
            if passphraseStdin {
                return .value(try StandardStreams.readSecret(prompt: "key passphrase: ", what: "passphrase"))
            }
            return .none
        }
    }
}
