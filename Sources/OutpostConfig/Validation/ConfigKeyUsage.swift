/// Which config keys Outpost acts on today.
///
/// Every key of EMS 5.4 loads and is type-checked; the ones not listed here are reported by
/// `outpost validate` as "accepted, not yet used", so nobody believes a setting works when it does not.
/// Each component adds its keys here when it starts honouring them.
public enum ConfigKeyUsage {
    /// Generic paths (`auto_bind[].name`) of keys that have an effect.
    public static let used: Set<String> = [
        // FIPS is acted on: `true` is refused.
        "fips.enabled",
        // The uplink (OutpostUplink).
        "ws_servers[].host", "ws_servers[].port", "resource", "appKey",
        "ws_connection.encryption", "ws_connection.msg_timeout", "ws_connection.ping_rate",
        "ws_connection.pingpong_timeout", "ws_connection.max_msg_size", "ws_connection.message_chunk_size",
        "ws_connection.max_frame_size", "ws_connection.max_messages", "ws_connection.connect_timeout",
        "ws_connection.connect_retry_interval", "ws_connection.max_connect_delay",
        "certificates.validate", "certificates.allow_self_signed", "certificates.cert_chain",
        "certificates.client_cert", "certificates.key_file", "certificates.key_passphrase",
        "certificates.fingerprints", "certificates.trusted_directory",
        // Start-up refuses readable config and key files when set.
        "strict_permissions",
        "auto_bind[].name", "auto_bind[].gateway",
        // The EMS REST facade (OutpostEMS).
        "http_server.host", "http_server.port", "http_server.ports_to_try", "http_server.ssl",
        "http_server.certificate", "http_server.private_key", "http_server.passphrase",
        "http_server.use_default_certificate", "http_server.tls_directory", "http_server.authenticate", "http_server.user",
        "http_server.password", "http_server.content_read_timeout", "http_server.max_clients",
        "auto_bind[].host", "auto_bind[].port", "auto_bind[].path", "auto_bind[].timeout",
        "auto_bind[].protocol", "auto_bind[].user", "auto_bind[].password", "auto_bind[].cert_chain",
        // LocalEms Restart is gated on it.
        "rest_interface.restart",
        // The durable outbox (OutpostOutbox).
        "offline_msg_store.enabled", "offline_msg_store.directory", "offline_msg_store.max_size",
        "offline_msg_store.max_age", "offline_msg_store.overflow", "offline_msg_store.durability",
        "offline_msg_store.batch_entries",
    ]

    public static func isUsed(_ genericPath: String) -> Bool {
        used.contains(genericPath)
    }
}
