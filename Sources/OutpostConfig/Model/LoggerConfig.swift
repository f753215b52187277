/// `logger`: console and file logging.
public struct LoggerConfig: ConfigSection {
    /// Levels as EMS writes them; `FORCE` and `VERBOSE` come from the original's command line.
    public enum Level: String, Sendable, CaseIterable {
        case audit = "AUDIT"
        case error = "ERROR"
        case warn = "WARN"
        case info = "INFO"
        case debug = "DEBUG"
        case trace = "TRACE"
        case force = "FORCE"
        case verbose = "VERBOSE"
    }

    public var level: Level = .warn
    public var auditTarget: String?
    public var publishDirectory: String?
    public var publishLevel: Level?
    public var maxFileStorage = 2_000_000
    public var autoFlush = true
    public var flushChunkSize = 16_384
    public var bufferSize = 4_096

    public init() {}

    public static let summary = "Console and file logging."

    public static var fields: [ConfigField<LoggerConfig>] {
        [
            .choice("level", \.level, "Console log threshold.", unknownIsWarning: true),
            .optionalString("audit_target", \.auditTarget, "Audit events also go here: file://PATH or http(s)://URL."),
            .optionalString("publish_directory", \.publishDirectory, "Directory for the two rotating log files; absent = no file logging."),
            .optionalChoice("publish_level", \.publishLevel, "Threshold for the log files (default: same as level)."),
            .integer("max_file_storage", \.maxFileStorage, in: 1_024...Int64.max, unit: "bytes", "Total size of both log files."),
            .bool("auto_flush", \.autoFlush, "Flush every flush_chunk_size bytes and after 1 s of quiet."),
            .integer("flush_chunk_size", \.flushChunkSize, in: 128...Int64.max, unit: "bytes", "Bytes between flushes."),
            .integer("buffer_size", \.bufferSize, in: 128...Int64.max, unit: "bytes", "Longest log message; longer ones are truncated (minimum 128)."),
        ]
    }
}

extension ConfigField {
    /// A `choice` with no default (absent = inherit from elsewhere).
    static func optionalChoice<Choice: RawRepresentable & CaseIterable & Sendable>(
        _ key: String, _ keyPath: WritableKeyPath<Model, Choice?>, _ summary: String
    ) -> Self where Choice.RawValue == String {
        let names = Choice.allCases.map(\.rawValue)
        return ConfigField(
            key: key, summary: summary,
            schema: { _ in [("type", .string("string")), ("enum", .array(names.map { .string($0) }))] },
            decode: { model, node, path, decoder in
                let expected = "one of " + names.map { "\"\($0)\"" }.joined(separator: ", ")
                guard case .string(let text) = node.value,
                      let match = Choice.allCases.first(where: { $0.rawValue.lowercased() == text.lowercased() })
                else {
                    decoder.typeMismatch(path, expected: expected, got: node)
                    return
                }
                model[keyPath: keyPath] = match
            }
        )
    }
}
