import Foundation
import OutpostTestSupport
import NIOCore
import NIOPosix
import NIOSSL
import OutpostTLS

/// A TLS echo server on 127.0.0.1 that takes a fresh handler from a ``ServerTLS`` for every accepted
/// connection, as the real listeners do.
final class EchoTLSServer: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    let channel: any Channel
    var port: Int { channel.localAddress?.port ?? 0 }

    init(_ tls: ServerTLS) async throws {
        channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(tls.makeServerHandler())
                    try channel.pipeline.syncOperations.addHandler(EchoHandler())
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
    }

    func stop() async throws {
        try await channel.close()
        try await group.shutdownGracefully()
    }

    /// An NIO TLS client connection that stays open; `roundTrip` proves it still works.
    func connect(trusting roots: TrustRoots) async throws -> NIOAsyncChannel<ByteBuffer, ByteBuffer> {
        let context = try NIOSSLContext(configuration: .outpostClient(trustRoots: roots, verification: .noHostnameVerification))
        return try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: nil))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
    }
}

final class EchoHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.writeAndFlush(data, promise: nil)
    }
}

extension Workspace {
    /// `openssl s_client` against 127.0.0.1:port; returns its exit status and output.
    func sClient(port: Int, serverName: String?, extra: [String] = []) throws -> (status: Int32, output: String) {
        var arguments = ["s_client", "-connect", "127.0.0.1:\(port)"]
        arguments += serverName.map { ["-servername", $0] } ?? ["-noservername"]
        let result = try run("/usr/bin/openssl", arguments + extra, stdin: "")
        return (result.status, result.stdout + result.stderr)
    }

    /// The CN of the certificate the server presented, from `s_client` output ("subject=CN = x").
    func presentedCommonName(port: Int, serverName: String?, extra: [String] = []) throws -> String? {
        let output = try sClient(port: port, serverName: serverName, extra: extra).output
        for line in output.split(separator: "\n") where line.hasPrefix("subject=") {
            if let range = line.range(of: "CN = ") { return String(line[range.upperBound...]) }
        }
        return nil
    }

    /// A TLS directory `name` with key.pem and cert.pem for `commonName` (key encrypted when
    /// `passphrase` is given), signed by `ca` or self-signed.
    @discardableResult
    func makeTLSDirectory(_ name: String, commonName: String, ca: String? = nil, passphrase: String? = nil) throws -> String {
        try FileManager.default.createDirectory(atPath: file(name), withIntermediateDirectories: true)
        try writeIdentity(into: name, commonName: commonName, ca: ca, passphrase: passphrase)
        return file(name)
    }

    /// (Re)writes `name/key.pem` and `name/cert.pem`; the files are written to temporaries and renamed,
    /// as a deployment tool would.
    func writeIdentity(into name: String, commonName: String, ca: String? = nil, passphrase: String? = nil) throws {
        let stem = "\(name)-\(commonName)-\(UUID().uuidString.prefix(8))"
        try makeECKey("\(stem).plain.key")
        if let ca {
            try issue(
                key: "\(stem).plain.key", commonName: commonName, by: ca, name: "\(stem).crt",
                extensions: "subjectAltName=DNS:\(commonName)\nextendedKeyUsage=serverAuth\n")
        } else {
            try makeSelfSigned(key: "\(stem).plain.key", commonName: commonName, name: "\(stem).crt")
        }
        if let passphrase {
            try encrypt("\(stem).plain.key", as: .pbes2AES256SHA256, passphrase: passphrase, name: "\(stem).key")
        } else {
            try FileManager.default.copyItem(atPath: file("\(stem).plain.key"), toPath: file("\(stem).key"))
        }
        try replace(file("\(name)/key.pem"), with: file("\(stem).key"))
        try replace(file("\(name)/cert.pem"), with: file("\(stem).crt"))
    }

    func replace(_ target: String, with source: String) throws {
        let temporary = target + ".tmp"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        chmod(temporary, 0o600)
        guard rename(temporary, target) == 0 else { throw WorkspaceError("rename to \(target) failed") }
    }
}

/// Writes `text` on an open connection and reads until as many bytes came back.
func roundTrip(
    _ text: String, _ outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
    _ inbound: inout NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
) async throws -> String {
    try await outbound.write(ByteBuffer(string: text))
    var received = ByteBuffer()
    while received.readableBytes < text.utf8.count, let chunk = try await inbound.next() {
        received.writeImmutableBuffer(chunk)
    }
    return String(buffer: received)
}
