import Foundation

/// A fresh directory for one test, removed on deinit.
final class TemporaryDirectory {
    let path: String

    init() throws {
        var template = Array((NSTemporaryDirectory() + "outpost-secrets-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        path = String(cString: created)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }

    func file(_ name: String) -> String { path + "/" + name }

    func mode(of name: String) throws -> Int {
        try FileManager.default.attributesOfItem(atPath: file(name))[.posixPermissions] as? Int ?? -1
    }
}
