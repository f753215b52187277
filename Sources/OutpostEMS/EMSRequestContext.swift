public import Hummingbird
import NIOCore

/// Request context with the client's address (for the login throttle and the access log).
public struct EMSRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    let clientAddress: String

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.clientAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }

    /// Bodies are read by the responder, which applies its own limit and timeout.
    public var maxUploadSize: Int { Int.max }
}
