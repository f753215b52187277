import Foundation
import NIOCore
import NIOPosix
import NIOSSL
import OutpostSecrets
import OutpostTLS
import Testing
import OutpostTestSupport

/// Loaded material works for real: a NIOSSL server and client on 127.0.0.1 complete mutual TLS with
/// keys that BoringSSL itself cannot decrypt (scrypt, PBKDF2-HMAC-SHA512), and data round-trips.
@Suite(.blockingWork)
struct TLSHandshakeTests {
    @Test func mutualTLS_scryptServerKeyAndSHA512ClientKey_roundTripsData() async throws {
        let workspace = try Workspace()
        try workspace.makeCA("ca", commonName: "Handshake CA")
        try workspace.makeECKey("server-plain.key")
        try workspace.issue(key: "server-plain.key", commonName: "localhost", by: "ca", name: "server.pem")
        try workspace.encrypt("server-plain.key", as: .scrypt, passphrase: "server pass", name: "server.key")
        try workspace.makeECKey("client-plain.key")
        try workspace.issue(
            key: "client-plain.key", commonName: "client-1", by: "ca", name: "client.pem",
            extensions: "extendedKeyUsage=clientAuth\n")
        try workspace.encrypt("client-plain.key", as: .pbes2AES256SHA512, passphrase: "client pass", name: "client.key")

        let roots = try TrustRoots.load([workspace.file("ca.pem")])
        let serverIdentity = try TLSIdentity.load(
            certificateFile: workspace.file("server.pem"), keyFile: workspace.file("server.key"),
            passphrase: .value(SecretValue("server pass")))
        let clientIdentity = try TLSIdentity.load(
            certificateFile: workspace.file("client.pem"), keyFile: workspace.file("client.key"),
            passphrase: .value(SecretValue("client pass")))
        #expect(serverIdentity.keyEncryption == "PBES2 (scrypt, aes-256-cbc)")
        #expect(clientIdentity.keyEncryption == "PBES2 (PBKDF2 hmacWithSHA512, aes-256-cbc)")

        // Contexts are built here, off any event loop: NIOSSLContext(configuration:) may block.
        let serverContext = try NIOSSLContext(
            configuration: .outpostServer(identity: serverIdentity, clientCertificates: .required(roots)))
        let clientContext = try NIOSSLContext(configuration: .outpostClient(trustRoots: roots, identity: clientIdentity))

        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: serverContext))
                    return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        let port = try #require(server.channel.localAddress?.port)

        let message = "hello over mutual TLS"
        async let peerCertificate: NIOSSLCertificate? = server.executeThenClose { connections in
            for try await connection in connections {
                return try await connection.executeThenClose { input, output in
                    var peer: NIOSSLCertificate?
                    for try await chunk in input {
                        // Application data arrives only after the handshake, so the peer is known now.
                        if peer == nil { peer = try await connection.channel.nioSSL_peerCertificate().get() }
                        try await output.write(chunk)
                    }
                    return peer
                }
            }
            return nil
        }

        let client = try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHandler(
                    try NIOSSLClientHandler(context: clientContext, serverHostname: nil))
                return try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
            }
        }
        let reply = try await client.executeThenClose { input, output in
            try await output.write(ByteBuffer(string: message))
            var received = ByteBuffer()
            for try await chunk in input {
                received.writeImmutableBuffer(chunk)
                if received.readableBytes >= message.utf8.count { break }
            }
            return String(buffer: received)
        }

        #expect(reply == message)
        #expect(try await peerCertificate == clientIdentity.certificateChain.first)
        try await group.shutdownGracefully()
    }
}
