import ArgumentParser
import OutpostSecrets

extension Outpost.Secret {
    /// `outpost secret encrypt`: stdin in clear, `enc:v1:` out.
    struct Encrypt: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "encrypt",
            abstract: "Seal a secret read from stdin; print the enc:v1: value to put in a config file.",
            discussion: """
                Reads the secret from stdin (one trailing newline is removed; on a terminal the input is \
                not echoed) and prints one line, enc:v1:<base64>, on stdout. Each run gives a different \
                line for the same secret (a fresh random nonce); all of them open to the same value.

                Creates the key file with a new random key (mode 0600, directory 0700) if it does not \
                exist yet, and says so on stderr.

                Examples:
                  printf '%s' 'my password' | outpost secret encrypt
                  outpost secret encrypt --key-file /etc/outpost/secret.key < passphrase.txt
                """
        )

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        func run() async throws {
            try Outpost.StandardStreams.reportingErrors {
                let path = try SecretKeyFile.resolvePath(explicit: keyFileOptions.keyFile)
                let secret = try Outpost.StandardStreams.readSecret(prompt: "secret to seal: ", what: "secret")
                let keyFile = try SecretKeyFile.loadOrCreate(at: path)
                if keyFile.wasCreated {
                    Outpost.StandardStreams.note(
                        "outpost: created secret key file \(path) (mode 0600); back it up: values sealed with it "
                            + "cannot be opened without it")
                }
                for warning in keyFile.warnings { Outpost.StandardStreams.warning(warning) }
                print(try keyFile.seal(secret))
            }
        }
    }
}
