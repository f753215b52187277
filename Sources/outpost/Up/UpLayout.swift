import Foundation

/// Where `outpost up` keeps its state: one directory (default `.outpost/` beside the configs) holding
/// the install's key file, the sealed secrets, the development PKI, the effective configs the
/// components run on, and the curl credential files the banner points at.
///
/// The repository's config files name their PKI files under `.outpost/`; ``map(_:)`` sends such paths
/// into the chosen state directory and makes every other relative path absolute from the config
/// directory, so the components can run from any working directory.
struct UpLayout: Sendable {
    /// Directory of config.json, config.lua and platform.json (the repository root for the demo).
    let configDirectory: String
    /// The state directory, absolute.
    let stateDirectory: String

    /// The prefix the repository's configs use for generated files.
    static let statePrefix = ".outpost/"

    init(configDirectory: String, stateDirectory: String?) {
        let base = Self.absolute(configDirectory, from: FileManager.default.currentDirectoryPath)
        self.configDirectory = base
        self.stateDirectory = stateDirectory.map { Self.absolute($0, from: FileManager.default.currentDirectoryPath) }
            ?? Self.join(base, ".outpost")
    }

    var keyFile: String { path("secret.key") }
    var secretsFile: String { path("secrets.json") }
    var pkiDirectory: String { path("pki") }
    var emsStateDirectory: String { path("ems-state") }
    var effectiveEMSConfig: String { path("config.json") }
    var effectiveLuaConfig: String { path("config.lua") }
    var effectivePlatformConfig: String { path("platform.json") }
    var emsNetrc: String { path("ems.netrc") }
    var adminHeader: String { path("admin.header") }
    var scriptsDirectory: String { Self.join(configDirectory, "scripts") }

    /// A file in the state directory.
    func path(_ name: String) -> String { Self.join(stateDirectory, name) }

    /// A path from a repository config, as the effective config should hold it.
    func map(_ configured: String) -> String {
        if configured.hasPrefix(Self.statePrefix) {
            return Self.join(stateDirectory, String(configured.dropFirst(Self.statePrefix.count)))
        }
        return Self.absolute(configured, from: configDirectory)
    }

    static func absolute(_ path: String, from directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : join(directory, path)
        return URL(fileURLWithPath: joined).standardizedFileURL.path
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory.hasSuffix("/") ? directory + name : directory + "/" + name
    }
}
