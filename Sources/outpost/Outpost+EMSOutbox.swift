import Foundation
import Logging
import OutpostConfig
import OutpostEMS
import OutpostOutbox
import OutpostUplink
import ServiceLifecycle

extension OutboxSettings {
    /// `offline_msg_store` → outbox settings; an empty `directory` means the EMS state directory.
    init(config: OfflineMessageStoreConfig, stateDirectory: String) {
        let directory = config.directory.isEmpty ? stateDirectory : config.directory
        self.init(
            path: URL(fileURLWithPath: directory).appendingPathComponent(OfflineMessageStoreConfig.fileName).path,
            durability: config.durability == .powerLoss ? .powerLoss : .crashSafe,
            maxBytes: Int64(config.maxSize),
            maxAge: config.maxAge > 0 ? .seconds(config.maxAge) : nil,
            overflow: config.overflow == .dropOldest ? .dropOldest : .rejectNew, batchEntries: config.batchEntries)
    }
}

extension Outpost.EMS {
    /// The durable write path of `outpost ems`: the outbox-backed sink and the service that replays
    /// it. nil when `offline_msg_store.enabled` is false (writes then fail with 503 while offline).
    static func outbox(
        config: EMSConfig, stateDirectory: String, moveAside: Bool, link: any PlatformLink, uplink: Uplink?, logger: Logger
    ) throws(CLIError) -> (sink: OutboxWriteSink, service: OutboxReplayService)? {
        guard config.offlineMsgStore.enabled else {
            logger.warning("offline_msg_store.enabled is false: writes fail with 503 while the platform is unreachable")
            return nil
        }
        let settings = OutboxSettings(config: config.offlineMsgStore, stateDirectory: stateDirectory)
        let outbox: Outbox
        do {
            outbox = try Outbox(settings: settings, moveAside: moveAside, logger: logger)
        } catch {
            throw CLIError(error.message)
        }
        if settings.durability == .crashSafe {
            logger.debug("offline message store is crash-safe (a power cut may lose the last writes)", metadata: ["outpost.outbox.path": "\(settings.path)"])
        }
        // Wake the replayer the moment the uplink is bound again.
        let linkUp = uplink.map { uplink in
            AsyncStream<Void> { continuation in
                let task = Task {
                    for await state in uplink.states() where state.phase == .bound { continuation.yield() }
                    continuation.finish()
                }
                continuation.onTermination = { _ in task.cancel() }
            }
        }
        return (
            OutboxWriteSink(outbox: outbox, link: link, logger: logger),
            OutboxReplayService(outbox: outbox, link: link, linkUp: linkUp, logger: logger)
        )
    }
}
