/// `ws_connection`: the upstream WebSocket and its AlwaysOn timers and limits.
public struct WSConnectionConfig: ConfigSection {
    public enum Encryption: String, Sendable, CaseIterable {
        case ssl
        case none
    }

    public var encryption: Encryption = .ssl
    public var verbose = false
    public var binaryMode = true
    public var msgTimeout = 5_000
    public var pingRate = 55_000
    public var pingpongTimeout = 10_000
    public var connectPeriod = 60_000
    public var dutyCycle = 100
    public var messageIdleTime = 50
    public var maxMsgSize = 1_048_576
    public var messageChunkSize = 8_192
    public var maxFrameSize = 8_192
    public var maxMessages = 500
    public var connectOnDemand = false
    public var connectTimeout = 10_000
    public var connectRetryInterval = 10_000
    public var maxThreads = 4
    public var maxConnectDelay = 0
    public var socketReadTimeout = 100
    public var frameReadTimeout = 10_000
    public var sslReadTimeout = 500
    public var connectRetries = -1

    public init() {}

    public static let summary = "The upstream WebSocket connection (AlwaysOn)."

    public static var fields: [ConfigField<WSConnectionConfig>] {
        [
            .choice("encryption", \.encryption, "TLS on the upstream socket: \"ssl\" (default) or \"none\" (development only)."),
            .bool("verbose", \.verbose, "Log every message in and out (hex and decoded)."),
            .bool("binary_mode", \.binaryMode, "Send messages as binary WebSocket frames."),
            .integer("msg_timeout", \.msgTimeout, in: 1...Int64.max, unit: "ms", "Wait for an upstream response."),
            .integer("ping_rate", \.pingRate, in: 1...Int64.max, unit: "ms", "WebSocket ping interval."),
            .integer("pingpong_timeout", \.pingpongTimeout, in: 1...Int64.max, unit: "ms", "Wait for a pong before reconnecting."),
            .integer("connect_period", \.connectPeriod, in: 1...Int64.max, unit: "ms", "Duty-cycle period."),
            .integer("duty_cycle", \.dutyCycle, in: 0...Int64.max, unit: "percent", "Percentage of connect_period spent connected (0–100)."),
            .integer("message_idle_time", \.messageIdleTime, in: 0...Int64.max, unit: "ms", "Quiet time before entering duty-cycle off."),
            .integer("max_msg_size", \.maxMsgSize, in: 1_024...Int64(Int32.max), unit: "bytes", "Largest complete message, multipart included."),
            .integer("message_chunk_size", \.messageChunkSize, in: 64...Int64(Int32.max), unit: "bytes", "Multipart chunk size."),
            .integer("max_frame_size", \.maxFrameSize, in: 64...Int64(Int32.max), unit: "bytes", "Largest WebSocket frame; sent as the Max-Frame-Size header."),
            .integer("max_messages", \.maxMessages, in: 1...Int64.max, "Requests in flight at most."),
            .bool("connect_on_demand", \.connectOnDemand, "Connect during duty-cycle off when there is something to send."),
            .integer("connect_timeout", \.connectTimeout, in: 1...Int64.max, unit: "ms", "Per connection attempt."),
            .integer("connect_retry_interval", \.connectRetryInterval, in: 0...Int64.max, unit: "ms", "Base wait between attempts."),
            .integer("max_threads", \.maxThreads, in: 0...50, "Worker threads for incoming requests (1–50)."),
            .integer("max_connect_delay", \.maxConnectDelay, in: 0...Int64.max, unit: "ms", "Upper bound of a random delay before the first connect."),
            .integer("socket_read_timeout", \.socketReadTimeout, in: 0...Int64.max, unit: "ms", "Non-fatal socket poll interval."),
            .integer("frame_read_timeout", \.frameReadTimeout, in: 1...Int64.max, unit: "ms", "A frame whose payload does not complete in this time is fatal."),
            .integer("ssl_read_timeout", \.sslReadTimeout, in: 0...Int64.max, unit: "ms", "Non-fatal wait for a partial TLS record."),
            .integer("connect_retries", \.connectRetries, in: -1...Int64.max, "Connection attempts before giving up; -1 = forever."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if dutyCycle > 100 {
            decoder.warning(.range, path.appending("duty_cycle"), "is \(dutyCycle), above 100; using 100", at: node.position)
            dutyCycle = 100
        }
        if maxThreads == 0 {
            decoder.error(.range, path.appending("max_threads"), "Cannot set max threads to zero; use 1–50", at: node)
        }
        if messageChunkSize > maxMsgSize {
            decoder.error(.range, path.appending("message_chunk_size"), "is larger than max_msg_size (\(maxMsgSize)); use a chunk size at most max_msg_size", at: node)
        }
        if messageChunkSize > maxFrameSize {
            decoder.warning(.range, path.appending("message_chunk_size"), "is larger than max_frame_size (\(maxFrameSize)); chunks will need several frames", at: node.position)
        }
        if pingpongTimeout >= pingRate {
            decoder.warning(.range, path.appending("pingpong_timeout"), "is not shorter than ping_rate (\(pingRate)); a lost pong is noticed late", at: node.position)
        }
    }
}
