public import OutpostWire

/// Where edge → platform writes (property PUT, events) go. Today straight to the platform, failing
/// with 503 while it is offline; the outbox issue supplies a durable sink that answers 202 instead.
public protocol WriteSink: Sendable {
    /// Delivers a write. `nil` means accepted for later delivery (answered 202 Accepted).
    func write(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody?
    /// Delivers a write and calls `done` with what ``write(_:)`` returns or throws, on whichever thread
    /// finishes it. For the event-loop write path, which must not wait; the default runs ``write(_:)``
    /// in a task.
    func submit(_ request: RequestBody, done: @escaping @Sendable (Result<ResponseBody?, PlatformLinkError>) -> Void)
    /// The state of the offline message store for `LocalEms` `GetOutboxStatus`; nil without one.
    func status() async -> InfoTable?
    /// Writes for `thing` waiting in the offline message store now (for a 202's body); nil without one.
    func storedCount(thing: String) -> Int?
}

extension WriteSink {
    public func submit(_ request: RequestBody, done: @escaping @Sendable (Result<ResponseBody?, PlatformLinkError>) -> Void) {
        Task {
            do throws(PlatformLinkError) {
                done(.success(try await write(request)))
            } catch {
                done(.failure(error))
            }
        }
    }

    public func status() async -> InfoTable? { nil }
    public func storedCount(thing: String) -> Int? { nil }
}

/// Sends writes to the platform at once; offline → ``PlatformLinkError/notConnected(_:)``.
public struct DirectWriteSink: WriteSink {
    private let link: any PlatformLink

    public init(link: any PlatformLink) {
        self.link = link
    }

    public func write(_ request: RequestBody) async throws(PlatformLinkError) -> ResponseBody? {
        try await link.send(request)
    }
}
