import Foundation

/// The ports the demo's listeners use. With `--ports auto` the platform binds port 0 and reports what
/// it got (so nothing can take the port in between); the EMS (whose config.json requires a port of
/// 1–65535) and the LSR get a port the OS just handed out and released.
struct UpPorts: Sendable, Equatable {
    var alwaysOn: Int
    var admin: Int
    var ems: Int
    var lsr: Int

    /// A port the OS considers free on 127.0.0.1 right now (bound to port 0, then released).
    static func freeLoopbackPort() throws(UpStateError) -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw UpStateError("cannot open a socket to find a free port: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else { throw UpStateError("cannot find a free port on 127.0.0.1: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
