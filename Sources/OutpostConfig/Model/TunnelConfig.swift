/// `tunnel`: defaults for remote-access tunnels (the platform may override per tunnel).
public struct TunnelConfig: ConfigSection {
    public var tickResolution = 5
    public var bufferSize = 8_192
    public var readTimeout = 10
    public var idleTimeout = 300_000
    public var maxConcurrent = 4

    public init() {}

    public static let summary = "Defaults for remote-access tunnels."

    public static var fields: [ConfigField<TunnelConfig>] {
        [
            .integer("tick_resolution", \.tickResolution, in: 1...Int64.max, unit: "ms", "Tunnel manager poll interval."),
            .integer("buffer_size", \.bufferSize, in: 64...Int64.max, unit: "bytes", "Relay buffer."),
            .integer("read_timeout", \.readTimeout, in: 1...Int64.max, unit: "ms", "Local socket read timeout."),
            .integer("idle_timeout", \.idleTimeout, in: 1...Int64.max, unit: "ms", "Close a tunnel idle this long."),
            .integer("max_concurrent", \.maxConcurrent, in: 0...Int64.max, "Concurrent tunnels."),
        ]
    }
}
