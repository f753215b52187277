import Foundation
import NIOCore
import NIOPosix

/// A minimal HTTP/1.1 server on 127.0.0.1 (OS-chosen port) for `tw_http` tests: answers every request
/// with a JSON echo of method, path, body and the `X-Test`/`Content-Type` headers, plus an `X-Echo`
/// response header. `/silent` is never answered (for the timeout test).
final class EchoHTTPServer: Sendable {
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    init() async throws {
        channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(EchoHandler()) }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func close() async {
        try? await channel.close()
    }
}

private final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer
    private var received: [UInt8] = []

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received += Array(unwrapInboundIn(data).readableBytesView)
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = received.indices.first(where: { received[$0...].starts(with: separator) }) else { return }
        let head = String(decoding: received[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end + separator.count
        guard received.count >= bodyStart + length else { return }
        let requestLine = head[0].split(separator: " ")
        guard requestLine.count >= 2, requestLine[1] != "/silent" else { return }
        let echo: [String: String] = [
            "method": String(requestLine[0]), "path": String(requestLine[1]),
            "body": String(decoding: received[bodyStart..<(bodyStart + length)], as: UTF8.self),
            "xtest": headers["x-test"] ?? "", "contentType": headers["content-type"] ?? "",
        ]
        let body = (try? JSONSerialization.data(withJSONObject: echo, options: [.sortedKeys])) ?? Data()
        let status = requestLine[1].hasPrefix("/missing") ? "404 Not Found" : "200 OK"
        let response = "HTTP/1.1 \(status)\r\nContent-Type: application/json\r\nX-Echo: yes\r\nContent-Length: \(body.count)\r\nConnection: close\r\n\r\n"
        var buffer = context.channel.allocator.buffer(string: response)
        buffer.writeBytes(body)
        let channel = context.channel
        context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        received = []
    }
}
