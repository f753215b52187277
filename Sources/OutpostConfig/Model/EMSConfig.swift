/// The whole of an EMS 5.4 `config.json`: every group and key, with the documented defaults.
///
/// Files written for EMS 5.4 load unchanged. Keys Outpost does not act on yet are still read and typed,
/// and `validate` lists them as "accepted, not yet used" (see `ConfigKeyUsage`).
public struct EMSConfig: ConfigSection {
    public var wsServers: [WSServer] = []
    public var resource = "/Thingworx/WS"
    public var appKey: ConfigSecret?
    public var logger = LoggerConfig()
    public var httpServer = HTTPServerConfig()
    public var fips = FIPSConfig()
    public var wsConnection = WSConnectionConfig()
    public var proxy: ProxyConfig?
    public var offlineMsgStore = OfflineMessageStoreConfig()
    public var certificates = CertificatesConfig()
    public var autoBind: [AutoBindEntry] = []
    public var tunnel = TunnelConfig()
    public var file = FileTransferConfig()
    public var restInterface = RestInterfaceConfig()
    /// An Outpost addition: refuse to start when this file or a private key file is accessible by
    /// group or others (default: warn at start).
    public var strictPermissions = false

    public init() {}

    public static let summary = "Outpost EMS configuration (config.json, compatible with ThingWorx WS EMS 5.4)."

    public static var fields: [ConfigField<EMSConfig>] {
        [
            .sectionArray("ws_servers", \.wsServers, required: true, minimumCount: 1, "Upstream platform addresses {host, port}, tried in order."),
            .string("resource", \.resource, "HTTP path of the WebSocket upgrade."),
            .secret("appKey", \.appKey, required: true, "Application key sent in the upgrade and the AUTH message."),
            .section("logger", \.logger, LoggerConfig.summary),
            .section("http_server", \.httpServer, HTTPServerConfig.summary),
            .section("fips", \.fips, FIPSConfig.summary),
            .section("ws_connection", \.wsConnection, WSConnectionConfig.summary),
            .optionalSection("proxy", \.proxy, ProxyConfig.summary),
            .section("offline_msg_store", \.offlineMsgStore, OfflineMessageStoreConfig.summary),
            .section("certificates", \.certificates, CertificatesConfig.summary),
            .sectionArray("auto_bind", \.autoBind, "Things bound at start-up. Must be an array of objects."),
            .section("tunnel", \.tunnel, TunnelConfig.summary),
            .section("file", \.file, FileTransferConfig.summary),
            .section("rest_interface", \.restInterface, RestInterfaceConfig.summary),
            .bool("strict_permissions", \.strictPermissions, "Refuse to start when config.json or a private key file is accessible by group or others (false: warn at start)."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if !resource.hasPrefix("/") {
            decoder.error(.invalid, path.appending("resource"), "must start with '/', got \"\(resource)\"", at: node)
        }
        if appKey?.isEmpty == true {
            decoder.error(.missing, path.appending("appKey"), "must not be empty; set the platform application key", at: node)
        }
        if file.idleTimeout < wsConnection.frameReadTimeout {
            let replacement = wsConnection.frameReadTimeout * 6 / 5
            decoder.warning(
                .range, path.appending("file").appending("idle_timeout"),
                "idle_timeout (\(file.idleTimeout)) cannot be less than ws_connection.frame_read_timeout (\(wsConnection.frameReadTimeout)); using 1.2 × frame_read_timeout = \(replacement)",
                at: node.position
            )
            file.idleTimeout = replacement
        }
        var seenNames: [String: Int] = [:]
        for (index, entry) in autoBind.enumerated() where !entry.name.isEmpty {
            if let first = seenNames[entry.name] {
                decoder.warning(.duplicateKey, path.appending("auto_bind").appending(index: index).appending("name"), "\"\(entry.name)\" is already bound by auto_bind[\(first)]; the later entry wins", at: node.position)
            } else {
                seenNames[entry.name] = index
            }
        }
    }
}
