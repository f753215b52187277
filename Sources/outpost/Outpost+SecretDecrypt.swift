import ArgumentParser
import OutpostSecrets

extension Outpost.Secret {
    /// `outpost secret decrypt`: `enc:v1:` in, the plain value out (for operators).
    struct Decrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "decrypt",
            abstract: "Open an enc:v1: value and print the secret.",
            discussion: """
                Takes the sealed value as an argument or on stdin (it is not secret, so the command line \
                is fine) and prints the plain value on stdout, followed by a newline. Use it to check \
                which secret a config holds, or to pipe a key passphrase into another command:

                  outpost secret decrypt 'enc:v1:Jq3...' | outpost cert check --cert c.pem --key k.pem --passphrase-stdin

                Fails with one line naming the key file if the value was sealed with another key file, \
                or is damaged.
                """
        )

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        @Argument(help: ArgumentHelp("The enc:v1: value (default: read from stdin).", valueName: "VALUE"))
        var value: String?

        func run() async throws {
            try Outpost.StandardStreams.reportingErrors {
                let sealed = value ?? Outpost.StandardStreams.readText()
                let subject = "the sealed value"
                guard SealedSecret.isSealed(sealed) || SealedSecret.isLegacy(sealed) else {
                    throw Outpost.StandardStreams.failure(
                        "\(subject) does not start with \(SealedSecret.prefix); pass the whole line printed by "
                            + "outpost secret encrypt")
                }
                let resolver = SecretResolver(
                    keyFilePath: try SecretKeyFile.resolvePath(explicit: keyFileOptions.keyFile))
                let secret = try resolver.resolve(sealed, key: subject)
                for warning in resolver.keyFileWarnings() { Outpost.StandardStreams.warning(warning) }
                print(secret.reveal())
            }
        }
    }
}
