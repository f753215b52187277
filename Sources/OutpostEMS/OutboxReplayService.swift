public import Logging
public import OutpostOutbox
public import ServiceLifecycle

/// Runs the outbox replayer in the service group and closes the store on shutdown. `linkUp` (the
/// uplink's state changes, mapped to "connected now") wakes the replayer as soon as the link is back.
public struct OutboxReplayService: Service {
    private let outbox: Outbox
    private let replayer: OutboxReplayer
    private let linkUp: AsyncStream<Void>?

    public init(outbox: Outbox, link: any PlatformLink, linkUp: AsyncStream<Void>? = nil, logger: Logger) {
        self.outbox = outbox
        self.replayer = OutboxReplayer(outbox: outbox, delivery: PlatformLinkDelivery(link: link), logger: logger)
        self.linkUp = linkUp
    }

    public func run() async throws {
        let outbox = self.outbox
        let replayer = self.replayer
        let linkUp = self.linkUp
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await replayer.run() }
                if let linkUp {
                    group.addTask {
                        for await _ in linkUp { outbox.wakeReplayer() }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        outbox.close()
    }
}
