import Foundation

/// A fresh, world-traversable directory for one CLI test (so a child running as `nobody` can reach
/// it), removed on deinit. Tests point HOME and XDG_CONFIG_HOME here so nothing touches the real
/// home directory.
final class CLITestDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "outpost-cli-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
        chmod(path, 0o755)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    /// An environment with no inherited key-file settings: the key file is `secret.key` here.
    var environment: [String: String?] {
        ["OUTPOST_SECRET_KEY_FILE": file("secret.key"), "XDG_CONFIG_HOME": file("config"), "HOME": path]
    }

    func mode(of name: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: file(name))[.posixPermissions] as? Int ?? -1
    }

    @discardableResult
    func write(_ name: String, _ text: String, mode: Int = 0o600) throws -> String {
        try text.write(toFile: file(name), atomically: false, encoding: .utf8)
        chmod(file(name), mode_t(mode))
        return file(name)
    }

    /// Runs `openssl` here; fails the test setup if it fails.
    @discardableResult
    func openssl(_ arguments: [String]) throws -> OutpostProcess.Result {
        try OutpostProcess.runProgram("/usr/bin/openssl", arguments, directory: path)
    }
}
