public import OutpostOutbox
public import OutpostWire

/// The platform link as the outbox's delivery: SUCCESS → delivered; link trouble and the platform's
/// temporary refusals (busy, gateway errors, a rejected app key) → retry; anything else the platform
/// answers about the request itself (unknown thing, bad request) → rejected, i.e. dead letter.
public struct PlatformLinkDelivery: OutboxDelivery {
    private let link: any PlatformLink

    public init(link: any PlatformLink) {
        self.link = link
    }

    public var isConnected: Bool { link.isConnected }

    public func deliver(_ request: RequestBody) async -> OutboxDeliveryResult {
        do {
            let reply = try await link.send(request)
            if reply.status.isSuccess { return .delivered }
            let reason = "the platform answered \(reply.status.name)" + (reply.reason.map { ": \($0)" } ?? "")
            return Self.isRetryable(reply.status) ? .retry(reason) : .rejected(reason)
        } catch {
            return error.httpStatus == 413 ? .rejected(error.message) : .retry(error.message)
        }
    }

    /// Statuses that say nothing about the request itself: the platform may take it later.
    static func isRetryable(_ status: ResponseStatus) -> Bool {
        [.unauthorized, .serviceUnavailable, .gatewayTimeout, .badGateway].contains(status)
    }
}
