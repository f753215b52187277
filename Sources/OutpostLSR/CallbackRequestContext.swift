public import Hummingbird

/// Request context of the callback listener; bodies are read by the responder with its own limit.
public struct CallbackRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }

    public var maxUploadSize: Int { Int.max }
}
