import Foundation
import Logging
import OutpostLua

/// Shared helpers: a quiet logger, runtimes with small limits, the repository's scripts directory.
enum LuaTestSupport {
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    static var scriptsDirectory: String { repositoryRoot + "/scripts" }

    static let logger: Logger = {
        var logger = Logger(label: "outpost.lua.test", factory: { _ in SwiftLogNoOpLogHandler() })
        logger.logLevel = .critical
        return logger
    }()

    static func runtime(
        _ name: String = "test",
        limits: LuaLimits = .default,
        scriptsDirectory: String? = nil,
        logger: Logger = LuaTestSupport.logger
    ) async throws -> LuaRuntime {
        try await LuaRuntime(name: name, options: .init(limits: limits, scriptsDirectory: scriptsDirectory, logger: logger))
    }

    /// A fresh temporary directory (removed by the caller's `defer`).
    static func temporaryDirectory() throws -> String {
        var template = Array((NSTemporaryDirectory() + "outpost-lua-XXXXXX").utf8CString)
        guard let created = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: created)
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }
}
