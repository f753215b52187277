import NIOConcurrencyHelpers
import OutpostEMS
import OutpostWire

/// A platform link whose answers the test scripts, recording what was sent, bound and unbound.
final class ScriptedLink: PlatformLink, @unchecked Sendable {
    enum Event: Equatable, Sendable {
        case bind(String)
        case unbind(String)
    }

    private let state = NIOLockedValueBox<State>(State())
    private struct State {
        var connected = true
        var answer: @Sendable (RequestBody) async throws(PlatformLinkError) -> ResponseBody = { _ in ResponseBody() }
        var sent: [RequestBody] = []
        var events: [Event] = []
        var eventContinuations: [AsyncStream<Event>.Continuation] = []
    }

    init(connected: Bool = true) {
        state.withLockedValue { $0.connected = connected }
    }

    var isConnected: Bool { state.withLockedValue { $0.connected } }

    func setConnected(_ connected: Bool) { state.withLockedValue { $0.connected = connected } }

    func answer(_ body: @escaping @Sendable (RequestBody) async throws(PlatformLinkError) -> ResponseBody) {
        state.withLockedValue { $0.answer = body }
    }

    var sent: [RequestBody] { state.withLockedValue { $0.sent } }
    var events: [Event] { state.withLockedValue { $0.events } }

    /// Every bind/unbind from now on.
    func eventStream() -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream()
        state.withLockedValue { $0.eventContinuations.append(continuation) }
        return stream
    }

    func send(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody {
        let (connected, answer) = state.withLockedValue { state in
            if state.connected { state.sent.append(request) }
            return (state.connected, state.answer)
        }
        guard connected else { throw .notConnected("offline (scripted)") }
        return try await answer(request)
    }

    private func record(_ event: Event) {
        let continuations = state.withLockedValue { state in
            state.events.append(event)
            return state.eventContinuations
        }
        for continuation in continuations { continuation.yield(event) }
    }

    func bind(names: [String]) async throws(PlatformLinkError) {
        for name in names { record(.bind(name)) }
    }

    func unbind(names: [String]) async throws(PlatformLinkError) {
        for name in names { record(.unbind(name)) }
    }
}
