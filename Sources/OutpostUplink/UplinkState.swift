public import Foundation

/// A snapshot of the uplink for `isConnected`, health checks and metrics.
public struct UplinkState: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        /// Not started yet.
        case idle
        /// Waiting before the next attempt (see ``UplinkState/nextAttempt``).
        case waiting
        /// TCP, TLS and the WebSocket upgrade are in progress.
        case connecting
        /// The WebSocket is up; AUTH is in progress.
        case connected
        /// AUTH succeeded; BIND is in progress.
        case authenticated
        /// AUTH and BIND succeeded: the normal running state.
        case bound
        /// Graceful shutdown: UNBIND and close.
        case stopping
        /// `run()` has returned.
        case stopped
    }

    public var phase: Phase = .idle
    /// Since when the uplink has been in ``phase``.
    public var since: Date = Date()
    /// The platform address of the current or last attempt.
    public var server: String?
    /// Things bound on the platform right now (empty unless ``phase`` is ``Phase/bound``).
    public var boundThings: [String] = []
    public var sessionID: UInt32?
    public var lastError: UplinkError?
    public var lastErrorAt: Date?
    /// Connection attempts since start.
    public var attempts = 0
    /// Successful authentications since start.
    public var sessions = 0
    /// The credential breaker is open: long delays after a rejected app key or client certificate.
    public var breakerOpen = false
    /// When the next attempt is due, while ``phase`` is ``Phase/waiting``.
    public var nextAttempt: Date?

    public init() {}

    /// Connected and authenticated: requests can be sent (`LocalEms isConnected`).
    public var isConnected: Bool { phase == .authenticated || phase == .bound }
}
