import Foundation
import NIOCore
import NIOPosix
import OutpostTLS
public import NIOSSL

/// One TLS handshake to a server, for diagnostics (`outpost doctor`): connects, completes the
/// handshake with `context` (build it with verification on, e.g. `.noHostnameVerification`, so the
/// chain reaches this probe), accepts whatever chain is presented and reports it, or why the
/// handshake failed. The caller judges the chain (with ``ServerTrustPolicy`` or a fingerprint).
public enum TLSProbe {
    public struct Outcome: Sendable {
        /// DER certificates the server presented, leaf first; empty when the handshake failed early.
        public var chain: [[UInt8]]
        /// nil when the handshake completed.
        public var failure: String?
    }

    public static func handshake(
        host: String, port: Int, context: NIOSSLContext, serverName: String?, timeout: Duration = .seconds(5)
    ) async -> Outcome {
        let group = MultiThreadedEventLoopGroup.singleton
        let presented = ChainBox()
        let completion = PromiseBox()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.nanoseconds(timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let promise = channel.eventLoop.makePromise(of: Void.self)
                    completion.set(promise.futureResult)
                    let handler = try NIOSSLClientHandler(
                        context: context, serverHostname: serverName,
                        customVerificationCallback: { certificates, verdict in
                            presented.set(certificates.compactMap { try? $0.toDERBytes() })
                            verdict.succeed(.certificateVerified)
                        })
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(TLSHandshakeWatcher(promise: promise))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            return Outcome(chain: [], failure: "cannot connect to \(host):\(port): \(error)")
        }
        defer { channel.close(promise: nil) }
        do {
            try await completion.future?.get()
            return Outcome(chain: presented.get(), failure: nil)
        } catch {
            return Outcome(chain: presented.get(), failure: "TLS handshake with \(host):\(port) failed: \(error)")
        }
    }
}

private final class ChainBox: @unchecked Sendable {
    private let lock = NSLock()
    private var chain: [[UInt8]] = []
    func set(_ chain: [[UInt8]]) { lock.withLock { self.chain = chain } }
    func get() -> [[UInt8]] { lock.withLock { chain } }
}

private final class PromiseBox: @unchecked Sendable {
    private let lock = NSLock()
    private var stored: EventLoopFuture<Void>?
    func set(_ future: EventLoopFuture<Void>) { lock.withLock { stored = future } }
    var future: EventLoopFuture<Void>? { lock.withLock { stored } }
}
