import Foundation
import NIOCore

extension PlatformError {
    /// One of the platform's two listeners, named as the operator knows them from platform.json.
    enum Listener: Sendable {
        /// The AlwaysOn WebSocket endpoint edges connect to (`listen`).
        case alwaysOn
        /// The admin HTTP API (`admin`).
        case admin

        var name: String {
            switch self {
            case .alwaysOn: "AlwaysOn WebSocket listener (listen.host/listen.port)"
            case .admin: "admin API listener (admin.host/admin.port)"
            }
        }

        var group: String {
            switch self {
            case .alwaysOn: "listen"
            case .admin: "admin"
            }
        }
    }

    /// A listener that cannot be bound: which one, on which address, why, and what to change.
    /// The NIO error alone ("bind(descriptor:ptr:bytes:): Address already in use") names neither.
    static func cannotListen(_ listener: Listener, host: String, port: Int, error: any Error) -> PlatformError {
        let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let reason: String
        let fix: String
        switch (error as? IOError)?.errnoCode {
        case EADDRINUSE:
            reason = "the port is already in use"
            fix = "stop the process that holds it (ss -ltnp 'sport = :\(port)' shows it) or set \(listener.group).port to another port (0 lets the system choose)"
        case EACCES:
            reason = "permission denied"
            fix = "ports below 1024 need privileges: set \(listener.group).port to 1024 or above"
        case EADDRNOTAVAIL:
            reason = "no network interface of this machine has that address"
            fix = "set \(listener.group).host to an address of this machine, 127.0.0.1 or 0.0.0.0"
        default:
            reason = "\(error)"
            fix = "check \(listener.group).host and \(listener.group).port in the platform config"
        }
        return PlatformError(.configuration, "cannot start the \(listener.name) on \(address): \(reason); \(fix)")
    }
}
