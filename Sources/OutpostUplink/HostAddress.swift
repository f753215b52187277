import Foundation

/// IP literals in `ws_servers[].host`: no SNI is sent for them (RFC 6066) and they are checked against
/// the certificate's IP SANs instead of its DNS names.
enum HostAddress {
    /// The 4 or 16 bytes of an IPv4 or IPv6 literal (brackets allowed), or nil for a host name.
    static func ipBytes(_ host: String) -> [UInt8]? {
        var text = host
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        var v4 = in_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            return withUnsafeBytes(of: &v4) { Array($0) }
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, text, &v6) == 1 {
            return withUnsafeBytes(of: &v6) { Array($0) }
        }
        return nil
    }

    static func isIPLiteral(_ host: String) -> Bool { ipBytes(host) != nil }
}
