import Logging
import NIOConcurrencyHelpers

/// The state of the script resource's connection to the EMS, shared by every thing, so that a failure
/// is logged once when it starts or changes kind (not per retry, not per thing) and the recovery once.
public final class EMSLinkHealth: Sendable {
    private enum State: Equatable {
        case unknown
        case healthy
        case failing(EMSClientError.Kind)
    }

    private let state = NIOLockedValueBox(State.unknown)
    private let logger: Logger
    private let connection: EMSConnection

    init(connection: EMSConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    /// Logs the failure if it is a change of state; the message names the settings to fix.
    func failed(_ error: EMSClientError) {
        let changed = state.withLockedValue { state -> Bool in
            defer { state = .failing(error.kind) }
            return state != .failing(error.kind)
        }
        guard changed else { return }
        switch error.kind {
        case .unauthorized:
            logger.error("\(error.message). Fix: set rap_userid and rap_password in config.lua to the EMS's http_server.user and http_server.password (seal the password with `outpost secret encrypt`). Retrying with backoff.")
        case .selfSigned:
            logger.error("\(error.message). Fix: give the EMS a certificate issued by the CA in rap_cert_file (\(connection.certificateFile ?? "not set")), or set rap_deny_selfsigned = false (development only). Retrying with backoff.")
        case .tls:
            logger.error("\(error.message). Fix: rap_cert_file (\(connection.certificateFile ?? "not set")) must hold the CA that issued the EMS's certificate, and rap_host must match a name in it; rap_validate = false skips the check (development only). Retrying with backoff.")
        case .unreachable, .timeout:
            logger.warning("\(error.message). Is the EMS running at rap_host:rap_port? Retrying with backoff.")
        case .status:
            logger.warning("\(error.message). Retrying with backoff.")
        }
    }

    /// Logs the recovery if the link was failing.
    func succeeded() {
        let previous = state.withLockedValue { state -> State in
            defer { state = .healthy }
            return state
        }
        if case .failing = previous {
            logger.notice("the EMS at \(connection.endpoint) accepts the script resource's requests again")
        }
    }
}
