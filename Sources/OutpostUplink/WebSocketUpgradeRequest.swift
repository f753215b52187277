import Crypto
import NIOCore

/// The HTTP upgrade exactly as the original EMS sends it (`ems-observed.md` §8.1, `alwayson.md` §1.2):
/// same header order and spelling, so platforms and proxies that learned the original's request see no
/// difference. The one deliberate change is `Host`, which carries `:port` when it is not the default
/// (decision table: standard `host[:port]`).
struct WebSocketUpgradeRequest: Sendable {
    var path: String
    var host: String
    var port: Int
    var isTLS: Bool
    var maxFrameSize: Int
    var appKey: String
    /// 16 random bytes, base64: a fresh one per connect.
    var key: String

    static func randomKey() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Base64.encode(bytes)
    }

    /// `host` or `host:port`; IPv6 literals in brackets.
    var hostHeader: String {
        let name = host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host
        let defaultPort = isTLS ? 443 : 80
        return port == defaultPort ? name : "\(name):\(port)"
    }

    var bytes: [UInt8] {
        let text =
            "GET \(path) HTTP/1.1\r\n"
            + "User-Agent: ThingWorx C SDK\r\n"
            + "Upgrade: websocket\r\n"
            + "Connection: Upgrade\r\n"
            + "Host: \(hostHeader)\r\n"
            + "Sec-WebSocket-Version: 13\r\n"
            + "Sec-WebSocket-Key: \(key)\r\n"
            + "Max-Frame-Size: \(maxFrameSize)\r\n"
            + "appKey: \(appKey)\r\n"
            + "\r\n"
        return Array(text.utf8)
    }

    /// base64(SHA-1(key + GUID)), RFC 6455 §4.2.2.
    var expectedAccept: String {
        let digest = Insecure.SHA1.hash(data: Array((key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").utf8))
        return Base64.encode(Array(digest))
    }

    /// Checks a complete response head (status line and headers, without the blank line). Returns nil
    /// when the upgrade succeeded, otherwise a message for the operator.
    func problem(withResponse head: String) -> String? {
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        guard let statusLine = lines.first else { return "the platform sent an empty HTTP response" }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/") else {
            return "the platform did not answer with HTTP (\(statusLine.prefix(60))); is \(path) on a WebSocket endpoint?"
        }
        guard parts[1] == "101" else {
            var hint = ""
            switch parts[1] {
            case "401", "403": hint = "; the platform refused the app key or the client"
            case "404": hint = "; check `resource` (currently \(path))"
            default: break
            }
            return "the platform refused the WebSocket upgrade with HTTP \(parts.dropFirst().joined(separator: " "))\(hint)"
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: " \t")
            headers[name] = value
        }
        guard headers["upgrade"]?.lowercased() == "websocket" else {
            return "the platform's 101 response lacks `Upgrade: websocket`"
        }
        guard let connection = headers["connection"]?.lowercased(),
            connection.split(separator: ",").contains(where: { $0.trimmingCharacters(in: " \t") == "upgrade" })
        else {
            return "the platform's 101 response lacks `Connection: Upgrade`"
        }
        guard let accept = headers["sec-websocket-accept"] else {
            return "the platform's 101 response lacks Sec-WebSocket-Accept"
        }
        guard accept == expectedAccept else {
            return "Keys don't match: the platform's Sec-WebSocket-Accept is \(accept), expected \(expectedAccept)"
        }
        return nil
    }
}

extension Substring {
    func trimmingCharacters(in set: String) -> String {
        var slice = self[...]
        while let first = slice.first, set.contains(first) { slice = slice.dropFirst() }
        while let last = slice.last, set.contains(last) { slice = slice.dropLast() }
        return String(slice)
    }
}

/// Standard base64 with padding (no Foundation needed on the hot path).
enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    static func encode(_ bytes: [UInt8]) -> String {
        var output: [Character] = []
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = bytes[index]
            let b1 = index + 1 < bytes.count ? bytes[index + 1] : 0
            let b2 = index + 2 < bytes.count ? bytes[index + 2] : 0
            output.append(alphabet[Int(b0 >> 2)])
            output.append(alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
            output.append(index + 1 < bytes.count ? alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : "=")
            output.append(index + 2 < bytes.count ? alphabet[Int(b2 & 0x3F)] : "=")
            index += 3
        }
        return String(output)
    }
}
