public import OutpostWire

/// Answers requests the platform sends down the uplink (property reads and writes, service calls on
/// bound things). The EMS REST layer routes them to the LSR or answers `LocalEms` itself.
public protocol UplinkRequestHandler: Sendable {
    func handle(_ request: RequestBody) async -> ResponseBody
}

/// Answers everything with NOT_FOUND (0x84), as the C SDK does for a request without a handler.
public struct NotFoundRequestHandler: UplinkRequestHandler {
    public init() {}

    public func handle(_ request: RequestBody) async -> ResponseBody {
        ResponseBody(status: .notFound)
    }
}
