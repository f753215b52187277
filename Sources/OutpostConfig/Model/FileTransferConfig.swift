/// `file`: file transfer between the platform and the edge.
public struct FileTransferConfig: ConfigSection {
    public struct VirtualDirectory: Sendable, Equatable {
        public var name: String
        public var path: String
    }

    public var bufferSize = 8_192
    public var maxFileSize: Int = 8_000_000_000
    public var virtualDirs: [VirtualDirectory] = []
    /// 1.2 × `ws_connection.frame_read_timeout` (10 000) = 12 000 (spec §7.5).
    public var idleTimeout = 12_000
    public var stagingDir = "/opt/thingworx/tw_staging"

    public init() {}

    public static let summary = "File transfer between the platform and the edge."

    public static var fields: [ConfigField<FileTransferConfig>] {
        [
            .integer("buffer_size", \.bufferSize, in: 64...Int64.max, unit: "bytes", "Transfer block size."),
            .integer("max_file_size", \.maxFileSize, in: 1...Int64.max, unit: "bytes", "Largest transferable file."),
            .virtualDirectories("virtual_dirs", \.virtualDirs, "Directories exposed to the platform: [{\"name\": \"/absolute/path\"}, …]."),
            .integer("idle_timeout", \.idleTimeout, in: 1...Int64.max, unit: "ms", "Abort transfers idle this long; must exceed ws_connection.frame_read_timeout."),
            .string("staging_dir", \.stagingDir, "Where incoming files are staged."),
        ]
    }
}

extension ConfigField where Model == FileTransferConfig {
    /// `virtual_dirs`: an array of one-key objects, each mapping a name to an absolute path.
    static func virtualDirectories(
        _ key: String, _ keyPath: WritableKeyPath<Model, [FileTransferConfig.VirtualDirectory]>, _ summary: String
    ) -> Self {
        ConfigField(
            key: key, summary: summary,
            schema: { _ in
                [
                    ("type", .string("array")),
                    ("items", .object([
                        ("type", .string("object")),
                        ("minProperties", .integer(1)),
                        ("maxProperties", .integer(1)),
                        ("additionalProperties", .object([("type", .string("string"))])),
                    ])),
                ]
            },
            decode: { model, node, path, decoder in
                guard case .array(let items) = node.value else {
                    decoder.typeMismatch(path, expected: "an array of one-key objects [{\"name\": \"/path\"}]", got: node)
                    return
                }
                var directories: [FileTransferConfig.VirtualDirectory] = []
                for (index, item) in items.enumerated() {
                    let itemPath = path.appending(index: index)
                    guard case .object(let members) = item.value, members.count == 1, let member = members.first else {
                        decoder.typeMismatch(itemPath, expected: "an object with exactly one key {\"name\": \"/path\"}", got: item)
                        continue
                    }
                    guard let directory = decoder.readString(member.value, itemPath.appending(member.key)) else { continue }
                    if !directory.hasPrefix("/") {
                        decoder.error(.invalid, itemPath.appending(member.key), "must be an absolute path, got \"\(directory)\"", at: member.value)
                        continue
                    }
                    directories.append(.init(name: member.key, path: directory))
                }
                model[keyPath: keyPath] = directories
            }
        )
    }
}
