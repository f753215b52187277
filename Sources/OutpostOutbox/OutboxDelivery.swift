public import OutpostWire

/// How the replayer reaches the platform. The EMS adapts its platform link; tests script answers.
/// The outbox knows nothing else about the EMS.
public protocol OutboxDelivery: Sendable {
    /// Connected and authenticated: worth trying to deliver.
    var isConnected: Bool { get }
    /// Sends one request and says what became of it.
    func deliver(_ request: RequestBody) async -> OutboxDeliveryResult
}

/// What became of a delivery.
public enum OutboxDeliveryResult: Sendable, Equatable {
    /// The platform answered SUCCESS: the entries can be deleted.
    case delivered
    /// Not delivered for a reason that may pass (offline, timeout, platform busy): keep and retry.
    case retry(String)
    /// The platform refused the request itself (e.g. unknown thing): retrying cannot help.
    case rejected(String)
}
