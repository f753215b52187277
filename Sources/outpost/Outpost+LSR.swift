import ArgumentParser
import Foundation
import Logging
import NIOCore
import OutpostConfig
import OutpostLSR
import OutpostLua
import OutpostSecrets
import OutpostTLS
import ServiceLifecycle
import UnixSignals

extension Outpost {
    /// `outpost lsr`: the Lua script resource.
    struct LSR: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "lsr",
            abstract: "Run the Lua script resource: the things of config.lua, registered with the EMS.",
            discussion: """
                Reads config.lua (EMS 5.4 LSR format) and starts every thing (scripts.<Name> = { file = \
                "thing.lua", template = "<t>" }) from scripts/templates/<t>.lua, each in its own sandboxed Lua \
                5.4 state. Serves the EMS's callbacks on script_resource_host:port (HTTPS and HTTP Basic by \
                default), registers each thing with the EMS at rap_host:rap_port (AddEdgeThing), and pushes \
                changed property values per the platform's subscriptions.

                Templates are looked up in scripts.script_directory if set (relative to the config file), \
                else in scripts/ beside the config file, else in ./scripts.

                Prints one line `listening URL` on stdout when the callback listener is up. Stops on SIGTERM \
                or SIGINT, removing its things from the EMS first.
                """
        )

        @Option(name: .long, help: ArgumentHelp("The script resource configuration.", valueName: "FILE"))
        var config = "config.lua"

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
            let loaded = await LuaScriptResourceEvaluator.load(bytes, fileName: config)
            // Severity ranks error < warning < note: print errors and warnings.
            for finding in loaded.findings where finding.severity <= .warning {
                ConsoleOutput.error("\(config): \(finding)\n")
            }
            guard let luaConfig = loaded.config, !loaded.hasErrors else {
                throw CLIError("\(config) has errors; fix them and try again")
            }
            guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
                throw CLIError("--log-level \(logLevel) is not a level; use trace, debug, info, notice, warning, error or critical")
            }
            var logger = Logger(label: "outpost.lsr")
            logger.logLevel = level
            let resolver: SecretResolver
            do {
                resolver = try SecretResolver(explicitKeyFile: keyFileOptions.keyFile)
            } catch {
                throw CLIError(error.message)
            }
            let settings: LSRSettings
            do {
                settings = try LSRSettings(config: luaConfig, configPath: config, resolver: resolver)
            } catch {
                throw CLIError(error.message)
            }
            // The config and key files: warned about when others can read them, refused with strict_permissions.
            var permissions = StartupPermissions()
            permissions.add("config file", config)
            permissions.add("secret key file", resolver.keyFilePath)
            for path in settings.listener.serverTLS?.material?.keyFiles ?? [] { permissions.add("private key file", path) }
            for exposed in try permissions.enforce(strict: luaConfig.strictPermissions, setting: "scripts.strict_permissions")
            where exposed.role != "private key file" {
                ConsoleOutput.error("outpost lsr: warning: \(exposed.message)\n")
            }
            guard !luaConfig.things.isEmpty else {
                throw CLIError("\(config) defines no things: add scripts.<Name> = { file = \"thing.lua\", template = \"<template>\" }")
            }
            for note in settings.notes {
                ConsoleOutput.error("outpost lsr: \(note)\n")
            }
            ConsoleOutput.error("outpost lsr: templates from \(settings.scriptsDirectory)\n")
            let resource = ScriptResource(settings: settings, logger: logger)
            let group = ServiceGroup(
                configuration: ServiceGroupConfiguration(
                    services: [.init(service: resource, serviceName: "script resource")], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                tasks.addTask {
                    let address = try await resource.address()
                    let host = address.ipAddress.map { $0.contains(":") ? "[\($0)]" : $0 } ?? settings.listener.host
                    ConsoleOutput.out("listening \(settings.listener.scheme)://\(host):\(address.port ?? 0)\n")
                }
                try await tasks.waitForAll()
            }
        }
    }
}
