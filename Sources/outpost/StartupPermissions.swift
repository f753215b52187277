import Foundation

/// Files that hold secrets or open them (the config, private keys, the secret key file), checked at
/// start: one a group or other user can access is warned about, or, with `strict_permissions`, makes
/// the command refuse to start, naming the file, its mode and the `chmod 600` fix.
struct StartupPermissions {
    /// One file a group or other user can access.
    struct Exposed: Equatable {
        /// e.g. "config file", "private key file".
        var role: String
        var path: String
        var mode: Int

        var message: String {
            "\(role) \(path) is accessible by group or others (mode \(String(mode, radix: 8))); restrict it with chmod 600 \(path)"
        }
    }

    /// (role, path) of every file to check; missing files are skipped (their owners report them).
    var files: [(role: String, path: String)] = []

    mutating func add(_ role: String, _ path: String?) {
        guard let path, !path.isEmpty, !files.contains(where: { $0.path == path }) else { return }
        files.append((role, path))
    }

    /// The files a group or other user can access, in the order added.
    func exposed() -> [Exposed] {
        files.compactMap { file in
            guard let mode = (try? FileManager.default.attributesOfItem(atPath: file.path))?[.posixPermissions] as? Int,
                mode & 0o077 != 0
            else { return nil }
            return Exposed(role: file.role, path: file.path, mode: mode & 0o7777)
        }
    }

    /// With `strict`, throws naming every exposed file; otherwise returns them for warnings.
    ///
    /// - Parameter setting: How the operator turns the check off, for the message
    ///   (`strict_permissions` in config.json, `scripts.strict_permissions` in config.lua).
    func enforce(strict: Bool, setting: String) throws -> [Exposed] {
        let found = exposed()
        guard strict, !found.isEmpty else { return found }
        let lines = found.map { "  \($0.message)" }.joined(separator: "\n")
        throw CLIError(
            "refusing to start: \(setting) is true and \(found.count == 1 ? "a file is" : "\(found.count) files are") "
                + "accessible by group or others:\n\(lines)\n(set \(setting) to false to only warn)")
    }
}
