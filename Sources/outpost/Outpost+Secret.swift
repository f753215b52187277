import ArgumentParser

extension Outpost {
    /// `outpost secret`: seal and open config values such as passwords and key passphrases.
    struct Secret: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "secret",
            abstract: "Seal secrets for config files (enc:v1:) and open them again.",
            discussion: """
                Secret-bearing config values (appKey, http_server.password, http_server.passphrase, \
                proxy.password, certificates.key_passphrase, ...) may be written in clear, but then \
                anyone who reads the config file has them. Seal them instead:

                  outpost secret encrypt < secret.txt
                  enc:v1:Jq3...

                and paste the enc:v1: line into the config. The value is AES-256-GCM under this install's \
                key file, which is created (mode 0600) the first time you seal something. Keep the key \
                file private and back it up: sealed values cannot be opened without it.

                The key file is found in this order: --key-file, then $OUTPOST_SECRET_KEY_FILE, then \
                $XDG_CONFIG_HOME/outpost/secret.key, then $HOME/.config/outpost/secret.key. The server \
                must use the same key file as the operator who sealed the values.

                AES: values from the original EMS were encrypted with PTC's key, built into that \
                program; Outpost cannot open them. Re-seal the plain value with `outpost secret encrypt`.

                Secrets are read from stdin, never from the command line, where `ps` would show them.
                """,
            subcommands: [Encrypt.self, Decrypt.self]
        )
    }

    /// The `--key-file` option shared by the secret commands.
    struct SecretKeyFileOptions: ParsableArguments {
        @Option(
            name: .long,
            help: ArgumentHelp(
                "The secret key file (default: $OUTPOST_SECRET_KEY_FILE, else $XDG_CONFIG_HOME/outpost/secret.key, "
                    + "else ~/.config/outpost/secret.key).",
                valueName: "PATH"))
        var keyFile: String?
    }
}
