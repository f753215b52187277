import ArgumentParser
import Foundation
import OutpostSecrets

extension Outpost {
    /// `outpost up`: the whole demo in one command (README command 1).
    struct Up: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "up",
            abstract: "Run the reference platform, the EMS and the Lua script resource together on this repository's configs.",
            discussion: """
                Starts `outpost platform`, `outpost ems` and `outpost lsr` as child processes, in that order, \
                each once the previous one listens, all on 127.0.0.1 with TLS. Their output is shown with a \
                name prefix (`ems | …`).

                The first run creates a state directory (default .outpost/ beside config.json): a secret key \
                file, random per-install passwords, passphrases, app key and admin token (sealed as enc:v1:), \
                a development CA with the platform, EMS and LSR certificates (keys encrypted PKCS#8), and \
                effective copies of config.json, config.lua and platform.json that use them. Later runs reuse \
                it. To start over, delete the state directory.

                When everything listens it prints the addresses and curl commands to try; credentials stay \
                in files of the state directory. Ctrl-C (or SIGTERM) stops the components in reverse order \
                and exits 0; if a component ends on its own, the others are stopped and the exit status is 1.
                """
        )

        enum PortChoice: String, ExpressibleByArgument, CaseIterable {
            /// The ports written in the config files.
            case configured
            /// Free ports chosen by the OS (for tests and for running beside another instance).
            case auto
        }

        @Option(name: .long, help: ArgumentHelp("The EMS configuration; its directory is the base of relative paths.", valueName: "FILE"))
        var config = "config.json"

        @Option(name: .long, help: ArgumentHelp("The Lua script resource configuration.", valueName: "FILE"))
        var luaConfig = "config.lua"

        @Option(name: .long, help: ArgumentHelp("The reference platform configuration.", valueName: "FILE"))
        var platformConfig = "platform.json"

        @Option(name: .long, help: ArgumentHelp("Where the PKI, secrets and effective configs live (default: .outpost/ beside the config).", valueName: "DIR"))
        var stateDir: String?

        @Option(name: .long, help: "configured: the ports in the config files; auto: free ports chosen by the OS.")
        var ports: PortChoice = .configured

        func run() async throws {
            let layout = UpLayout(configDirectory: ProtectedFile.directoryName(of: config), stateDirectory: stateDir)
            do {
                try await UpSession(layout: layout, options: self).run()
            } catch let error as UpStateError {
                throw CLIError(error.description)
            }
        }
    }
}
