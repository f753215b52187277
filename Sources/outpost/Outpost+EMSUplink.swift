import NIOConcurrencyHelpers
import OutpostEMS
import OutpostUplink
import OutpostWire

/// The uplink as the EMS's ``PlatformLink``: maps ``UplinkError`` codes to what REST clients see.
struct UplinkPlatformLink: PlatformLink {
    let uplink: Uplink

    var isConnected: Bool { uplink.isConnected }

    func send(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody {
        do {
            return try await uplink.send(request)
        } catch {
            throw Self.map(error)
        }
    }

    func bind(names: [String]) async throws(PlatformLinkError) {
        do { try await uplink.bind(names: names) } catch { throw Self.map(error) }
    }

    func unbind(names: [String]) async throws(PlatformLinkError) {
        do { try await uplink.unbind(names: names) } catch { throw Self.map(error) }
    }

    static func map(_ error: UplinkError) -> PlatformLinkError {
        switch error.code {
        case .notConnected, .shuttingDown: .notConnected(error.message)
        case .requestTimeout: .timeout(error.message)
        case .tooManyRequests: .busy(error.message)
        case .messageTooLarge: .tooLarge(error.message)
        default: .failed(error.message)
        }
    }
}

/// Platform → edge requests, answered by the EMS's forwarder once it exists (the uplink is built first).
final class EMSUplinkHandler: UplinkRequestHandler {
    private let forwarder = NIOLockedValueBox<EdgeForwarder?>(nil)

    func attach(_ forwarder: EdgeForwarder) {
        self.forwarder.withLockedValue { $0 = forwarder }
    }

    func handle(_ request: RequestBody) async -> ResponseBody {
        guard let forwarder = forwarder.withLockedValue({ $0 }) else {
            return ResponseBody(status: .serviceUnavailable, reason: "the EMS is starting")
        }
        return await forwarder.handle(request)
    }
}
