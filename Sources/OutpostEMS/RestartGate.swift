public import OutpostConfig
import HTTPTypes
import Logging
import OutpostWire

/// Who called a LocalEms service; `Restart` is gated on it.
enum LocalCaller: Sendable, CustomStringConvertible {
    /// A REST client on the loopback interface.
    case loopback
    /// A REST client from another address.
    case network
    /// The platform, through the uplink.
    case platform

    init(clientAddress: String) {
        self = clientAddress == "127.0.0.1" || clientAddress == "::1" || clientAddress.hasPrefix("::ffff:127.") ? .loopback : .network
    }

    var description: String {
        switch self {
        case .loopback: "a local REST client"
        case .network: "a REST client on another host"
        case .platform: "the platform"
        }
    }
}

/// The `Restart` service (`ems-lsr.md` §3.5): allowed per `rest_interface.restart` (`local`: REST
/// clients on loopback only; `any`: every authenticated REST client and the platform). Outpost never
/// restarts itself in-process (decisions table); an allowed request runs `handler`, which `outpost ems`
/// wires to a clean shutdown (UNBIND, close frame) and a distinct exit status for the service manager
/// to start it again.
public struct RestartGate: Sendable {
    public var policy: RestInterfaceConfig.RestartPolicy
    /// nil: restarts are refused (embedded use, tests).
    public var handler: (@Sendable () -> Void)?

    public init(policy: RestInterfaceConfig.RestartPolicy = .local, handler: (@Sendable () -> Void)? = nil) {
        self.policy = policy
        self.handler = handler
    }

    func request(by caller: LocalCaller, logger: Logger) throws(EMSError) -> InfoTable? {
        let allowed = policy == .any || caller == .loopback
        guard allowed, let handler else {
            logger.notice("Restart refused", metadata: ["outpost.ems.caller": "\(caller)", "outpost.ems.restart_policy": "\(policy.rawValue)"])
            let why =
                handler == nil
                ? "this EMS has no restart handler"
                : "rest_interface.restart is \"local\", so only REST clients on this host may restart; set it to \"any\" to allow \(caller)"
            throw EMSError(.forbidden, "Restarts not allowed: \(why)")
        }
        logger.notice("Restart requested; shutting down cleanly so the service manager starts Outpost again", metadata: ["outpost.ems.caller": "\(caller)"])
        handler()
        return nil
    }
}
