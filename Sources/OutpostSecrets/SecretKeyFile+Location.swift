public import Foundation

extension SecretKeyFile {
    /// The environment variable that names the key file.
    public static let environmentVariable = "OUTPOST_SECRET_KEY_FILE"

    /// Where the key file is: an explicit path (`--key-file`) first, then `OUTPOST_SECRET_KEY_FILE`,
    /// then `$XDG_CONFIG_HOME/outpost/secret.key`, then `$HOME/.config/outpost/secret.key`.
    ///
    /// Empty values count as unset. Pure: reads only the `environment` it is given.
    public static func resolvePath(
        explicit: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(SecretError) -> String {
        if let explicit, !explicit.isEmpty { return explicit }
        if let fromEnvironment = environment[environmentVariable], !fromEnvironment.isEmpty {
            return fromEnvironment
        }
        if let config = environment["XDG_CONFIG_HOME"], config.hasPrefix("/") {
            return join(config, "outpost/secret.key")
        }
        if let home = environment["HOME"], !home.isEmpty {
            return join(home, ".config/outpost/secret.key")
        }
        throw .noKeyFileLocation
    }

    private static func join(_ directory: String, _ rest: String) -> String {
        directory.hasSuffix("/") ? directory + rest : directory + "/" + rest
    }
}
