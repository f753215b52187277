import ArgumentParser
import Foundation
import OutpostSecrets

/// One run of `outpost up`: prepares the state directory, starts the components in order, prints the
/// banner, and stops everything when asked or when a component fails.
struct UpSession {
    let layout: UpLayout
    let options: Outpost.Up

    /// Whether this build has `outpost lsr` (the script resource joins the demo as soon as it exists).
    static var hasLSR: Bool {
        Outpost.configuration.subcommands.contains { $0.configuration.commandName == "lsr" }
    }

    func run() async throws {
        let keyFile = try prepareStateDirectory()
        let (secrets, secretsCreated) = try UpSecrets.loadOrCreate(layout, keyFile: keyFile)
        let (pki, pkiCreated) = try DemoPKI.loadOrCreate(layout, secrets: secrets, keyFile: keyFile)
        let configs = try await EffectiveConfigs.read(
            ems: options.config, platform: options.platformConfig, lua: options.luaConfig, layout: layout, secrets: secrets)
        UpOutput.note(
            secretsCreated || pkiCreated
                ? "created \(UpBanner.display(layout.stateDirectory))/: secret key, sealed secrets and development PKI"
                : "reusing \(UpBanner.display(layout.stateDirectory))/ (delete it to start over)")
        try UpBanner.writeCredentialFiles(layout, emsUser: configs.emsUser, secrets: secrets, keyFile: keyFile)
        let configured = configs.configuredPorts
        let auto = options.ports == .auto

        // Every child opens the sealed values with this state's key file, also where it checks them while
        // loading its config (config.json's checks read OUTPOST_SECRET_KEY_FILE, not --key-file).
        let supervisor = try await Supervisor(
            executable: Self.executablePath(), environment: [SecretKeyFile.environmentVariable: layout.keyFile])
        let keyArguments = ["--key-file", layout.keyFile]
        var ready = false
        do {
            try configs.writePlatform(alwaysOnPort: auto ? 0 : configured.alwaysOn, adminPort: auto ? 0 : configured.admin)
            let platformLine = try await supervisor.start(
                "platform", ["platform", "--config", layout.effectivePlatformConfig] + keyArguments)
            let (alwaysOnPort, adminPort) = try Self.platformPorts(platformLine)

            try configs.writeEMS(platformPort: alwaysOnPort, emsPort: auto ? try UpPorts.freeLoopbackPort() : configured.ems)
            let emsLine = try await supervisor.start(
                "ems",
                ["ems", "--config", layout.effectiveEMSConfig, "--state-dir", layout.emsStateDirectory] + keyArguments)
            let emsURL = try Self.listeningURL(emsLine, of: "ems")

            var lsrURL: String?
            if Self.hasLSR {
                let emsPort = Int(emsURL.split(separator: ":").last ?? "") ?? configured.ems
                try configs.writeLua(emsPort: emsPort, lsrPort: auto ? try UpPorts.freeLoopbackPort() : configured.lsr)
                let lsrLine = try await supervisor.start("lsr", ["lsr", "--config", layout.effectiveLuaConfig] + keyArguments)
                lsrURL = try Self.listeningURL(lsrLine, of: "lsr")
            } else {
                UpOutput.note("this build has no `outpost lsr`; running the platform and the EMS only")
            }
            let banner = UpBanner(
                layout: layout, configs: configs, pki: pki,
                addresses: .init(alwaysOnPort: alwaysOnPort, adminPort: adminPort, emsURL: emsURL, lsrURL: lsrURL))
            UpOutput.out(banner.text)
            UpOutput.out("outpost up: ready")
            ready = true
            throw await supervisor.waitForEnd()
        } catch let ending as Supervisor.Ending {
            try await finish(supervisor, ending, duringStart: !ready)
        } catch {
            await supervisor.stopAll()
            throw error
        }
    }

    /// Stops the children and turns the reason into the exit status: 0 for a signal, 1 otherwise.
    private func finish(_ supervisor: Supervisor, _ ending: Supervisor.Ending, duringStart: Bool) async throws {
        switch ending {
        case .signal(let signal):
            UpOutput.note("\(signal) received; stopping")
            await supervisor.stopAll()
            UpOutput.note("stopped")
        case .childExited(let name, let pid, let status):
            UpOutput.note("\(name) (pid \(pid)) ended unexpectedly: \(status); stopping the others")
            await supervisor.stopAll()
            var message = "\(name) (pid \(pid)) ended unexpectedly (\(status)); see its output above (lines starting `\(name) |`)"
            if duringStart, options.ports == .configured {
                message += "; if a port is in use, stop what holds it or run with --ports auto"
            }
            throw UpStateError(message)
        case .notReady(let name, let timeout):
            UpOutput.note("\(name) did not report `listening` within \(timeout); stopping")
            await supervisor.stopAll()
            throw UpStateError("\(name) did not start within \(timeout); see its output above (lines starting `\(name) |`)")
        }
    }

    /// Creates the state directory (0700) and its key file; refuses a key file it cannot read.
    private func prepareStateDirectory() throws(UpStateError) -> SecretKeyFile {
        do {
            try ProtectedFile.createDirectories(layout.stateDirectory)
        } catch {
            throw UpStateError("cannot create the state directory: \(error.description)")
        }
        let keyFileExisted = FileManager.default.fileExists(atPath: layout.keyFile)
        if !keyFileExisted, FileManager.default.fileExists(atPath: layout.secretsFile) {
            throw .damaged(layout.keyFile, "is missing, so secrets.json cannot be opened", stateDirectory: layout.stateDirectory)
        }
        do {
            return try SecretKeyFile.loadOrCreate(at: layout.keyFile)
        } catch {
            throw .damaged(layout.keyFile, error.message, stateDirectory: layout.stateDirectory)
        }
    }

    /// This executable, to start the components as `outpost <subcommand>`.
    static func executablePath() throws(UpStateError) -> String {
        #if os(Linux)
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        #endif
        guard let path = Bundle.main.executablePath else {
            throw UpStateError("cannot find this program's own path to start the components")
        }
        return path
    }

    /// `listening alwayson=PORT admin=PORT`.
    static func platformPorts(_ line: String) throws(UpStateError) -> (Int, Int) {
        var ports: [String: Int] = [:]
        for field in line.split(separator: " ") {
            let parts = field.split(separator: "=", maxSplits: 1)
            if parts.count == 2, let port = Int(parts[1]) { ports[String(parts[0])] = port }
        }
        guard let alwaysOn = ports["alwayson"], let admin = ports["admin"] else {
            throw UpStateError("platform reported `\(line)`, expected `listening alwayson=PORT admin=PORT`")
        }
        return (alwaysOn, admin)
    }

    /// `listening https://HOST:PORT` → the URL.
    static func listeningURL(_ line: String, of name: String) throws(UpStateError) -> String {
        let url = line.dropFirst("listening ".count).trimmingCharacters(in: .whitespaces)
        guard url.hasPrefix("http"), let port = url.split(separator: ":").last, Int(port) != nil else {
            throw UpStateError("\(name) reported `\(line)`, expected `listening https://HOST:PORT`")
        }
        return url
    }
}
