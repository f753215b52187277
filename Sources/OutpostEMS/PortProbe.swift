import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OutpostSecrets
import OutpostTLS

/// LocalEms `TestPort`: can this EMS reach `host:port`? A TCP connect, optionally through the
/// configured HTTP proxy (`CONNECT`), optionally followed by a TLS handshake that verifies the
/// server the way edge callbacks do (system roots plus `certificates.cert_chain`, host name checked).
struct PortProbe: Sendable {
    /// An HTTP proxy reached with `CONNECT` (`proxy` in config.json).
    struct Proxy: Sendable {
        var host: String
        var port: Int
        var user: String?
        var password: SecretValue?
    }

    var host: String
    var port: Int
    /// nil: no TLS handshake, the connect is the test.
    var tls: NIOSSLContext?
    var proxy: Proxy?
    var timeout: TimeAmount = .seconds(5)

    /// nil when the port answered as asked; otherwise what failed, for the log.
    func run() async -> String? {
        let target = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        let completion = ProbeCompletion()
        let tls = self.tls
        let proxy = self.proxy
        let host = self.host
        let port = self.port
        // SNI takes names only; an IP literal is still checked against the certificate's IP SANs.
        let serverName = Self.isIPAddress(host) ? nil : host
        let bootstrap = ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    completion.set(promise)
                    try Self.configure(channel, target: target, tls: tls, serverName: serverName, proxy: proxy, promise: promise)
                }
            }
        let connectHost = proxy?.host ?? host
        let connectPort = proxy?.port ?? port
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: connectHost, port: connectPort).get()
        } catch {
            // The initializer may have run: complete its promise (NIO reports a leaked one).
            completion.get()?.fail(error)
            return proxy == nil ? "cannot connect to \(target): \(error)" : "cannot connect to the proxy \(connectHost):\(connectPort): \(error)"
        }
        defer { channel.close(promise: nil) }
        guard let promise = completion.get() else { return nil }
        guard tls != nil || proxy != nil else {
            promise.succeed(())
            return nil
        }
        let timer = channel.eventLoop.scheduleTask(in: timeout) { promise.fail(ProbeTimeout()) }
        defer { timer.cancel() }
        do {
            try await promise.futureResult.get()
            return nil
        } catch let error as ProxyRefusal {
            return "the proxy \(connectHost):\(connectPort) refused CONNECT \(target): \(error.statusLine)"
        } catch is ProbeTimeout {
            return "no \(tls == nil ? "answer from the proxy" : "TLS handshake") with \(target) within \(timeout)"
        } catch {
            return "TLS handshake with \(target) failed: \(error)"
        }
    }

    /// The probe's handlers: the CONNECT step when there is a proxy, then the TLS handshake when asked.
    private static func configure(
        _ channel: any Channel, target: String, tls: NIOSSLContext?, serverName: String?, proxy: Proxy?,
        promise: EventLoopPromise<Void>
    ) throws {
        var makeTLS: (@Sendable () throws -> [any ChannelHandler])?
        if let tls {
            makeTLS = { @Sendable () throws -> [any ChannelHandler] in
                let handshake: any ChannelHandler = try NIOSSLClientHandler(context: tls, serverHostname: serverName)
                let watcher: any ChannelHandler = TLSHandshakeWatcher(promise: promise)
                return [handshake, watcher]
            }
        }
        if let proxy {
            try channel.pipeline.syncOperations.addHandler(
                ProxyTunnelHandler(target: target, authorization: proxy.authorization, promise: promise, then: makeTLS))
        } else if let makeTLS {
            try channel.pipeline.syncOperations.addHandlers(try makeTLS())
        }
    }

    static func isIPAddress(_ host: String) -> Bool {
        (try? SocketAddress(ipAddress: host, port: 0)) != nil
    }
}

extension PortProbe.Proxy {
    /// `Basic` credentials for `Proxy-Authorization`, when a user is configured.
    var authorization: String? {
        guard let user, !user.isEmpty else { return nil }
        return "Basic " + Data("\(user):\(password?.reveal() ?? "")".utf8).base64EncodedString()
    }
}

private struct ProbeTimeout: Error {}

/// The proxy answered `CONNECT` with something other than 2xx.
private struct ProxyRefusal: Error {
    let statusLine: String
}

/// Holds the completion promise made inside the channel initializer.
private final class ProbeCompletion: @unchecked Sendable {
    private let lock = NSLock()
    private var promise: EventLoopPromise<Void>?
    func set(_ promise: EventLoopPromise<Void>) { lock.withLock { self.promise = promise } }
    func get() -> EventLoopPromise<Void>? { lock.withLock { promise } }
}

/// Sends `CONNECT target` when the connection to the proxy is up and reads the answer head. On 2xx it
/// steps aside, adding the TLS handlers when a handshake is asked for (or succeeding at once).
private final class ProxyTunnelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let target: String
    let authorization: String?
    let promise: EventLoopPromise<Void>
    let then: (@Sendable () throws -> [any ChannelHandler])?
    private var head: [UInt8] = []
    /// An answer head longer than this is not a proxy speaking HTTP.
    private static let maxHead = 16 * 1024

    init(target: String, authorization: String?, promise: EventLoopPromise<Void>, then: (@Sendable () throws -> [any ChannelHandler])?) {
        self.target = target
        self.authorization = authorization
        self.promise = promise
        self.then = then
    }

    func channelActive(context: ChannelHandlerContext) {
        var request = "CONNECT \(target) HTTP/1.1\r\nHost: \(target)\r\n"
        if let authorization { request += "Proxy-Authorization: \(authorization)\r\n" }
        request += "\r\n"
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        head += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard let end = head.firstRange(of: Array("\r\n\r\n".utf8)) else {
            if head.count > Self.maxHead { promise.fail(ProxyRefusal(statusLine: "an answer head over \(Self.maxHead) bytes")) }
            return
        }
        let statusLine = String(decoding: head[..<(head.firstRange(of: Array("\r\n".utf8))?.lowerBound ?? end.lowerBound)], as: UTF8.self)
        let parts = statusLine.split(separator: " ")
        guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]), (200..<300).contains(code) else {
            promise.fail(ProxyRefusal(statusLine: statusLine.isEmpty ? "no status line" : String(statusLine.prefix(200))))
            return
        }
        guard let then else {
            promise.succeed(())
            return
        }
        do {
            try context.pipeline.syncOperations.addHandlers(try then(), position: .after(self))
            context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
        } catch {
            promise.fail(error)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(ProxyRefusal(statusLine: "the proxy closed the connection"))
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.close(promise: nil)
    }
}
