import NIOConcurrencyHelpers
import OutpostWire

extension LocalEmsServices {
    /// `GetOutboxStatus`: depth, bytes, oldest age, drops and dead letters of the offline message
    /// store, answered locally (also while offline).
    func outboxStatus() async throws(EMSError) -> InfoTable? {
        guard let writes = writes.withLockedValue({ $0 }), let status = await writes.status() else {
            throw .notFound("the offline message store is disabled (offline_msg_store.enabled is false)")
        }
        return status
    }
}
