import Foundation

/// Where `tw_dir.*` may touch the file system: inside the data directory (read and write) and the
/// scripts directory (read only, so a script cannot rewrite the templates other things load).
///
/// A path is refused when it has a `..` component, or when, after following symbolic links of the part
/// that exists, it lies outside every root; relative paths resolve against ``workingDirectory``.
/// This keeps the sandbox of `ems-lsr.md` §4.9: no file outside these directories is reachable.
struct LuaFileSandbox: Sendable {
    /// Read-write root (`scripts.data_directory`), nil when none is configured.
    var dataDirectory: String?
    /// Read-only root (`scripts.script_directory`).
    var scriptsDirectory: String?

    struct Refusal: Error {
        let message: String
    }

    /// `tw_dir.pwd()`: where relative paths resolve.
    var workingDirectory: String? { (dataDirectory ?? scriptsDirectory).map(Self.canonical) }

    /// The absolute, canonical path for `path`, checked against the roots; `writing` requires the data directory.
    func resolve(_ path: String, writing: Bool, function: String) throws(Refusal) -> String {
        let unix = path.replacingOccurrences(of: "\\", with: "/")
        if unix.split(separator: "/").contains("..") {
            throw Refusal(message: "tw_dir.\(function): '\(path)' contains '..'; paths must stay inside the script's directories")
        }
        guard let base = workingDirectory else {
            throw Refusal(message: "tw_dir.\(function): no directory is configured for scripts (set scripts.data_directory in config.lua)")
        }
        let absolute = unix.hasPrefix("/") ? unix : base + "/" + unix
        let resolved = Self.canonical(absolute)
        let roots = writing ? [dataDirectory].compactMap { $0 } : [dataDirectory, scriptsDirectory].compactMap { $0 }
        if writing && roots.isEmpty {
            throw Refusal(message: "tw_dir.\(function): writing needs a data directory (set scripts.data_directory in config.lua); the scripts directory is read-only")
        }
        if (try? FileManager.default.destinationOfSymbolicLink(atPath: resolved)) != nil {
            throw Refusal(message: "tw_dir.\(function): '\(path)' is a symbolic link whose target does not exist")
        }
        for root in roots.map(Self.canonical) where resolved == root || resolved.hasPrefix(root.hasSuffix("/") ? root : root + "/") {
            return resolved
        }
        let allowed = roots.map(Self.canonical).joined(separator: " or ")
        throw Refusal(message: "tw_dir.\(function): '\(path)' is outside \(allowed)\(writing ? " (the writable directory)" : "")")
    }

    /// Standardised path with symbolic links followed for the part that exists, so a link inside a root
    /// that points outside it is judged by its target.
    static func canonical(_ path: String) -> String {
        var existing = URL(fileURLWithPath: path).standardizedFileURL
        var rest: [String] = []
        while !FileManager.default.fileExists(atPath: existing.path) && existing.path != "/" {
            rest.insert(existing.lastPathComponent, at: 0)
            existing.deleteLastPathComponent()
        }
        var result = existing.resolvingSymlinksInPath()
        for component in rest { result.appendPathComponent(component) }
        return result.path
    }
}
