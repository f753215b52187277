import ArgumentParser
import Foundation
import Logging
import OutpostConfig
import OutpostPlatform
import OutpostSecrets
import ServiceLifecycle
import UnixSignals

extension Outpost {
    /// `outpost platform`: a reference platform speaking AlwaysOn, so the uplink runs on one machine.
    struct Platform: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "platform",
            abstract: "Run the reference platform (AlwaysOn WebSocket server, thing store, admin API).",
            discussion: """
                Reads platform.json and serves the AlwaysOn protocol on listen.host:listen.port (TLS with \
                tls.certificate; client certificates required when tls.client_ca is set). Edges must \
                authenticate with one of app_keys; others get UNAUTHORIZED (0x81) and are disconnected.

                The admin API on admin.host:admin.port needs `Authorization: Bearer <admin.token>`:
                  GET  /admin/things, /admin/connections, /admin/things/NAME
                  GET  /admin/things/NAME/properties/PROP/history
                  GET|PUT /admin/things/NAME/properties/PROP    (over the socket to the edge)
                  POST /admin/things/NAME/services/SERVICE       (over the socket to the edge)

                Prints one line `listening alwayson=PORT admin=PORT` on stdout when ready. Stops on \
                SIGTERM or SIGINT.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The platform configuration.", valueName: "FILE"))
        var config = "platform.json"

        @OptionGroup var keyFileOptions: Outpost.SecretKeyFileOptions

        @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error, critical.")
        var logLevel: String = "info"

        func run() async throws {
            let bytes: [UInt8]
            do {
                bytes = try ConfigFileReader.read(config)
            } catch {
                throw CLIError(error.description)
            }
            let loaded = PlatformConfig.load(bytes)
            for finding in loaded.findings where finding.severity != .note {
                ConsoleOutput.error("\(config): \(finding)\n")
            }
            guard let platformConfig = loaded.config, !loaded.hasErrors else {
                throw CLIError("\(config) has errors; fix them and try again")
            }
            let settings: PlatformSettings
            do {
                let resolver = try SecretResolver(explicitKeyFile: keyFileOptions.keyFile)
                settings = try PlatformSettings(config: platformConfig, resolver: resolver)
            } catch let error as PlatformError {
                throw CLIError(error.message)
            } catch let error as SecretError {
                throw CLIError(error.message)
            }
            var logger = Logger(label: "outpost.platform")
            logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
            let server: PlatformServer
            do {
                server = try PlatformServer(settings: settings, logger: logger)
            } catch {
                throw CLIError(error.message)
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: server, serviceName: "platform server")],
                    gracefulShutdownSignals: [.sigterm, .sigint],
                    logger: logger))
            do {
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    tasks.addTask {
                        let addresses = try await server.addresses()
                        ConsoleOutput.out("listening alwayson=\(addresses.alwaysOnPort) admin=\(addresses.adminPort)\n")
                    }
                    try await tasks.waitForAll()
                }
            } catch let error as PlatformError {
                // A listener that cannot bind names itself and the fix; print it as one line.
                throw CLIError(error.message)
            }
        }
    }
}
