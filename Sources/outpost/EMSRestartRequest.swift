import NIOConcurrencyHelpers
import ServiceLifecycle

/// A LocalEms `Restart` call, as `outpost ems` honours it: the service group shuts down gracefully
/// (UNBIND, close frame) and the process exits with ``exitStatus`` so the service manager starts it
/// again. Outpost never restarts itself in-process.
final class EMSRestartRequest: Sendable {
    /// EX_TEMPFAIL: "try again"; systemd's `Restart=on-failure` restarts on it.
    static let exitStatus: Int32 = 75

    private let state = NIOLockedValueBox<(requested: Bool, group: ServiceGroup?)>((false, nil))

    func attach(_ group: ServiceGroup) {
        state.withLockedValue { $0.group = group }
    }

    var wasRequested: Bool { state.withLockedValue { $0.requested } }

    func request() {
        let group = state.withLockedValue { state -> ServiceGroup? in
            state.requested = true
            return state.group
        }
        guard let group else { return }
        Task { await group.triggerGracefulShutdown() }
    }
}
