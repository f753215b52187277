import ArgumentParser
import Foundation
import Logging
import NIOCore
import OutpostConfig
import OutpostEMS
import OutpostSecrets
import OutpostTLS
import OutpostUplink
import ServiceLifecycle
import UnixSignals

extension Outpost {
    /// `outpost ems`: the EMS REST facade plus the uplink to the platform.
    struct EMS: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ems",
            abstract: "Run the EMS: the REST API devices use (/Thingworx/...) and the uplink to the platform.",
            discussion: """
                Reads config.json (EMS 5.4 format) and serves the REST API on http_server.host:port (HTTPS and \
                HTTP Basic by default). Requests for platform things are forwarded over the uplink to ws_servers; \
                LocalEms services are answered locally, also while offline. Things registered with AddEdgeThing \
                or listed in auto_bind receive the platform's requests over HTTP(S).

                With ssl on and no certificate configured, a certificate is generated for this install on first \
                start and kept in the state directory (key encrypted, mode 0600).

                Prints one line `listening URL` on stdout when ready. Stops on SIGTERM or SIGINT. An allowed \
                LocalEms Restart call (rest_interface.restart) shuts down the same way and exits with status 75, \
                for the service manager to start it again (systemd: Restart=on-failure).
                """
        )

        @Option(name: .long, help: ArgumentHelp("The EMS configuration.", valueName: "FILE"))
        var config = "config.json"

        @Option(name: .long, help: ArgumentHelp("Where this install keeps generated state (its HTTPS certificate); default: state/ beside the config file.", valueName: "DIR"))
        var stateDir: String?

        @Flag(name: .long, help: "If the offline message store file is unreadable, rename it to <file>.corrupt-<time> and start with an empty one (default: refuse to start).")
        var outboxMoveAside = false

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
            let loaded = EMSConfig.load(bytes)
            // The config may hold secrets (sealed or not): say so when others can read it.
            if let mode = (try? FileManager.default.attributesOfItem(atPath: config))?[.posixPermissions] as? Int, mode & 0o077 != 0 {
                ConsoleOutput.error(
                    "outpost ems: warning: config file \(config) is accessible by group or others (mode \(String(mode, radix: 8))); restrict it with chmod 600 \(config)\n")
            }
            // Severity ranks error < warning < note: print errors and warnings, leave notes to `validate`.
            for finding in loaded.findings where finding.severity <= .warning {
                ConsoleOutput.error("\(config): \(finding)\n")
            }
            guard let emsConfig = loaded.config, !loaded.hasErrors else {
                throw CLIError("\(config) has errors; fix them and try again")
            }
            var logger = Logger(label: "outpost.ems")
            logger.logLevel = Logger.Level(rawValue: logLevel.lowercased()) ?? .info
            let resolver: SecretResolver
            do {
                resolver = try SecretResolver(explicitKeyFile: keyFileOptions.keyFile)
            } catch {
                throw CLIError(error.message)
            }
            let directory = stateDir ?? (URL(fileURLWithPath: config).deletingLastPathComponent().path + "/state")
            var loadedSettings: EMSSettings
            do {
                loadedSettings = try EMSSettings(
                    config: emsConfig, configBytes: bytes, resolver: resolver, stateDirectory: directory,
                    version: "5.4.0.114-outpost-\(OutpostVersion.string)")
            } catch {
                throw CLIError(error.message)
            }

            let restart = EMSRestartRequest()
            loadedSettings.configFile = config
            loadedSettings.restart.handler = { restart.request() }
            // Certificate reload (file changes, SIGHUP, LocalEms ReloadCertificates) and daily expiry checks.
            let inventory = TLSInventory()
            let maintenance = TLSMaintenance(
                listeners: loadedSettings.serverTLS.map { [TLSMaintenance.Listener(name: "http_server", tls: $0)] } ?? [],
                trusted: loadedSettings.edgeTrust.map { [$0] } ?? [], inventory: inventory, logger: logger)
            loadedSettings.certificateReload.loop = maintenance.loop
            let settings = loadedSettings
            // strict_permissions: refuse to start when the config or a key file is open to others (else warned above).
            var permissions = StartupPermissions()
            permissions.add("config file", config)
            permissions.add("secret key file", resolver.keyFilePath)
            for path in settings.serverTLS?.material?.keyFiles ?? [] { permissions.add("private key file", path) }
            permissions.add("private key file", emsConfig.certificates.keyFile ?? emsConfig.certificates.clientCert)
            _ = try permissions.enforce(strict: emsConfig.strictPermissions, setting: "strict_permissions")

            let handler = EMSUplinkHandler()
            // Every service is given its name: without one, ServiceLifecycle describes it with "\(service)", which
            // reflects over all its stored fields at start-up (a third of start-up's instructions, and pages of
            // type metadata all over the binary kept resident; see docs/rss.md).
            var services: [ServiceGroupConfiguration.ServiceConfiguration] = []
            let link: any PlatformLink
            if emsConfig.wsServers.isEmpty {
                logger.warning("ws_servers is empty: running without a platform connection")
                link = OfflinePlatformLink()
            } else {
                let uplinkSettings: UplinkSettings
                do {
                    uplinkSettings = try UplinkSettings(config: emsConfig, resolver: resolver, logger: logger)
                } catch {
                    throw CLIError(error.message)
                }
                let uplink = Uplink(settings: uplinkSettings, handler: handler, logger: logger)
                services.append(.init(service: uplink, serviceName: "uplink"))
                link = UplinkPlatformLink(uplink: uplink)
            }
            let outbox = try Self.outbox(
                config: emsConfig, stateDirectory: directory, moveAside: outboxMoveAside, link: link,
                uplink: (link as? UplinkPlatformLink)?.uplink, logger: logger)
            if let outbox { services.append(.init(service: outbox.service, serviceName: "outbox replay")) }
            let server = EMSServer(settings: settings, link: link, writes: outbox?.sink, resolver: resolver, logger: logger)
            handler.attach(server.forwarder)
            services.append(.init(service: server, serviceName: "http_server"))
            let certificateFiles = ConfigCertificateFiles(config: emsConfig, stateDirectory: directory)
            // The uplink's certificates (its trusted CAs are already in the inventory when edgeTrust holds them).
            let withTrust = settings.edgeTrust == nil
            inventory.register {
                certificateFiles.certificates().inUse.filter { $0.role.hasPrefix("uplink client certificate") || withTrust && $0.role.hasPrefix("uplink") }
            }
            services.append(.init(service: maintenance, serviceName: "TLS maintenance"))
            for note in settings.notes {
                ConsoleOutput.error("outpost ems: \(note)\n")
            }
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            restart.attach(group)
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    let address = try await server.address()
                    let scheme = settings.tls == nil ? "http" : "https"
                    let host = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? settings.host
                    ConsoleOutput.out("listening \(scheme)://\(host):\(address.port ?? 0)\n")
                }
                try await tasks.waitForAll()
            }
            if restart.wasRequested { throw ExitCode(EMSRestartRequest.exitStatus) }
        }
    }
}
