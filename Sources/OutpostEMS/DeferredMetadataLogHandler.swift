import Logging

/// A log handler that keeps metadata added to it in a dictionary and hands it to `base` only when
/// something is logged.
///
/// Hummingbird tags the logger of every request with `hb.request.id`. swift-log's default
/// `StreamLogHandler` renders all of its metadata into a string each time a key is set, which cost
/// about 7,600 instructions per request (callgrind, release build) although the EMS logs nothing
/// per request at the default level. Behind this handler, setting a key is a dictionary insert.
struct DeferredMetadataLogHandler: LogHandler {
    var base: any LogHandler
    /// Keys set on this handler; they win over the same keys of `base`.
    var metadata: Logger.Metadata = [:]

    init(base: any LogHandler) {
        self.base = base
    }

    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] ?? base[metadataKey: key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        guard !metadata.isEmpty else { return base.log(event: event) }
        var event = event
        event.metadata = metadata.merging(event.metadata ?? [:]) { _, explicit in explicit }
        base.log(event: event)
    }
}

extension Logger {
    /// This logger with its handler behind ``DeferredMetadataLogHandler``, for loggers that get
    /// per-request metadata set on the hot path.
    func deferringMetadata() -> Logger {
        var logger = self
        logger.handler = DeferredMetadataLogHandler(base: handler)
        return logger
    }
}
