/// `offline_msg_store`: where writes wait while the uplink is down.
public struct OfflineMessageStoreConfig: ConfigSection {
    /// On by default: a 2xx to a write means the value will reach the platform (specs README decision).
    public var enabled = true
    public var directory = "/opt/thingworx"
    /// Far above the original's 64 KB, which lost data within minutes of an outage.
    public var maxSize = 256 * 1_048_576

    public init() {}

    public static let summary = "Durable store for writes made while the platform is unreachable."

    public static var fields: [ConfigField<OfflineMessageStoreConfig>] {
        [
            .bool("enabled", \.enabled, "Store writes while offline and deliver them on reconnect."),
            .string("directory", \.directory, "Directory of the store file."),
            .integer("max_size", \.maxSize, in: 1_024...Int64.max, unit: "bytes", "Cap on stored bytes."),
        ]
    }
}
