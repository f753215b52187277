public import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOWebSocket
public import OutpostWire

/// One edge connected to the platform: its Session ID, the things it bound, and requests the platform
/// sent it that wait for an answer. The channel handler feeds it; the admin API calls ``request(_:)``.
public final class PlatformSession: Sendable {
    public let id: UInt64
    public let remoteAddress: String
    public let connectedAt: Date
    let channel: any Channel
    private let chunkSize: Int
    private let timeout: Duration
    private let state = NIOLockedValueBox(State())

    private struct State {
        var sessionID: UInt32?
        var bound: [String] = []
        var nextRequestID: UInt32 = 0x1000
        var pending: [UInt32: EventLoopPromise<ResponseBody>] = [:]
    }

    init(id: UInt64, channel: any Channel, chunkSize: Int, timeout: Duration) {
        self.id = id
        self.channel = channel
        self.chunkSize = chunkSize
        self.timeout = timeout
        self.remoteAddress = channel.remoteAddress.map { "\($0)" } ?? "unknown"
        self.connectedAt = Date()
    }

    /// Set when AUTH succeeded.
    public var sessionID: UInt32? {
        get { state.withLockedValue { $0.sessionID } }
        set { state.withLockedValue { $0.sessionID = newValue } }
    }

    public var boundThings: [String] { state.withLockedValue { $0.bound } }

    func bind(_ names: [String]) {
        state.withLockedValue { state in
            for name in names where !state.bound.contains(name) { state.bound.append(name) }
        }
    }

    func unbind(_ names: [String]) {
        state.withLockedValue { $0.bound.removeAll { names.contains($0) } }
    }

    /// Sends a request to the edge and waits for its response.
    public func request(_ body: RequestBody) async throws(PlatformError) -> ResponseBody {
        let (id, sessionID) = state.withLockedValue { state -> (UInt32, UInt32) in
            state.nextRequestID &+= 1
            return (state.nextRequestID, state.sessionID ?? 0)
        }
        let promise = channel.eventLoop.makePromise(of: ResponseBody.self)
        state.withLockedValue { $0.pending[id] = promise }
        let message = AlwaysOnMessage(requestID: id, sessionID: sessionID, body: .request(body))
        let timeout = self.timeout
        let scheduled = channel.eventLoop.scheduleTask(in: .nanoseconds(timeout.nanosecondCount)) {
            [state] in
            if let promise = state.withLockedValue({ $0.pending.removeValue(forKey: id) }) {
                promise.fail(PlatformError(.timeout, "the edge did not answer within \(timeout)"))
            }
        }
        do {
            try send(message)
        } catch {
            _ = state.withLockedValue { $0.pending.removeValue(forKey: id) }
            promise.fail(error)
        }
        do {
            let response = try await promise.futureResult.get()
            scheduled.cancel()
            return response
        } catch let error as PlatformError {
            throw error
        } catch {
            throw PlatformError(.notConnected, "the edge connection failed: \(error)")
        }
    }

    func resolve(_ message: AlwaysOnMessage) -> Bool {
        guard case .response(let response) = message.body,
            let promise = state.withLockedValue({ $0.pending.removeValue(forKey: message.requestID) })
        else { return false }
        promise.succeed(response)
        return true
    }

    func failAll() {
        let pending = state.withLockedValue { state in
            defer { state.pending = [:] }
            return Array(state.pending.values)
        }
        for promise in pending { promise.fail(PlatformError(.notConnected, "the edge disconnected")) }
    }

    /// Encodes, splits into chunks of ``chunkSize`` and writes one unmasked binary frame per chunk.
    func send(_ message: AlwaysOnMessage) throws {
        let splitter = MultipartSplitter(chunkSize: chunkSize, maxMessageSize: 1 << 24)
        let chunks = try splitter.split(message, allocator: channel.allocator)
        for chunk in chunks {
            channel.write(WebSocketFrame(fin: true, opcode: .binary, data: chunk), promise: nil)
        }
        channel.flush()
    }
}

extension Duration {
    var nanosecondCount: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
