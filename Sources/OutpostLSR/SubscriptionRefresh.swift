import NIOConcurrencyHelpers

/// Things whose subscriptions the platform says changed (`NotifyPropertyUpdate`, `ems-lsr.md` §4.5):
/// the callback listener records the name, the thing's loop re-reads GetPropertySubscriptions.
final class SubscriptionRefresh: Sendable {
    private let pending = NIOLockedValueBox<Set<String>>([])

    func request(_ thing: String) {
        _ = pending.withLockedValue { $0.insert(thing) }
    }

    /// True once per request for `thing`.
    func take(_ thing: String) -> Bool {
        pending.withLockedValue { $0.remove(thing) != nil }
    }
}
