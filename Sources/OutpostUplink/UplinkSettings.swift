public import NIOSSL
public import OutpostWire

/// Everything the uplink needs, resolved: secrets opened, keys decrypted, TLS context built.
///
/// Build it at start-up with ``init(config:resolver:logger:)`` (blocking: file I/O and key derivation),
/// or directly in tests, where every duration can be shortened.
public struct UplinkSettings: Sendable {
    /// One platform address from `ws_servers`.
    public struct Server: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        public var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
    }

    /// TLS for the uplink; nil in ``UplinkSettings/tls`` means plain TCP (`encryption: none`, warned
    /// about once by ``UplinkSettings/init(config:resolver:logger:)``).
    public struct TLS: Sendable {
        /// Built once, off the event loops (its creation may read the system trust store).
        public var context: NIOSSLContext
        public var trust: ServerTrustPolicy
        public var presentsClientCertificate: Bool
        /// Send SNI for host names (never for IP literals).
        public var sendSNI: Bool
        /// Re-reads the certificate files when they change (set when built from a config).
        public var reloader: UplinkTLSReloader?

        public init(context: NIOSSLContext, trust: ServerTrustPolicy, presentsClientCertificate: Bool, sendSNI: Bool = true) {
            self.context = context
            self.trust = trust
            self.presentsClientCertificate = presentsClientCertificate
            self.sendSNI = sendSNI
        }
    }

    public var servers: [Server]
    public var resource: String
    public var appKey: String
    public var tls: TLS?
    /// Names bound after every authentication (`auto_bind` entries that are not gateways).
    public var autoBind: [String]
    /// The `auto_bind` entry with `gateway: true`, sent as gateway name with type `EMSGateway`.
    public var gateway: BindBody.Gateway?

    public var messageTimeout: Duration
    public var pingInterval: Duration
    public var pongTimeout: Duration
    public var connectTimeout: Duration
    /// Bound on UNBIND plus close at shutdown.
    public var shutdownTimeout: Duration
    public var maxMessageSize: Int
    public var chunkSize: Int
    public var maxFrameSize: Int
    public var maxInFlight: Int
    public var reconnect: ReconnectPolicy

    public init(
        servers: [Server],
        resource: String = "/Thingworx/WS",
        appKey: String,
        tls: TLS?,
        autoBind: [String] = [],
        gateway: BindBody.Gateway? = nil,
        messageTimeout: Duration = .seconds(5),
        pingInterval: Duration = .seconds(55),
        pongTimeout: Duration = .seconds(10),
        connectTimeout: Duration = .seconds(10),
        shutdownTimeout: Duration = .seconds(5),
        maxMessageSize: Int = 1_048_576,
        chunkSize: Int = 8_192,
        maxFrameSize: Int = 8_192,
        maxInFlight: Int = 500,
        reconnect: ReconnectPolicy = ReconnectPolicy()
    ) {
        self.servers = servers
        self.resource = resource
        self.appKey = appKey
        self.tls = tls
        self.autoBind = autoBind
        self.gateway = gateway
        self.messageTimeout = messageTimeout
        self.pingInterval = pingInterval
        self.pongTimeout = pongTimeout
        self.connectTimeout = connectTimeout
        self.shutdownTimeout = shutdownTimeout
        self.maxMessageSize = maxMessageSize
        self.chunkSize = chunkSize
        self.maxFrameSize = maxFrameSize
        self.maxInFlight = maxInFlight
        self.reconnect = reconnect
    }
}
