import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import OutpostWire

/// Serves ``AdminAPI`` over HTTP/1.1 on loopback, one structured task per connection.
struct AdminServer {
    let api: AdminAPI
    let logger: Logger
    static let maxBody = 1 << 20

    typealias Connection = NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>

    static func bind(host: String, port: Int, group: any EventLoopGroup) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: host, port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    /// Accepts connections until the server channel closes.
    func serve(_ server: NIOAsyncChannel<Connection, Never>) async throws {
        try await server.executeThenClose { inbound in
            try await withThrowingDiscardingTaskGroup { group in
                for try await connection in inbound {
                    group.addTask {
                        do {
                            try await self.handle(connection)
                        } catch {
                            self.logger.debug("admin connection ended", metadata: ["outpost.error": "\(error)"])
                        }
                    }
                }
            }
        }
    }

    private func handle(_ connection: Connection) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let requestHead):
                    head = requestHead
                    body = []
                case .body(let buffer):
                    guard body.count + buffer.readableBytes <= Self.maxBody else { return }
                    body += buffer.readableBytesView
                case .end:
                    guard let request = head else { continue }
                    let reply: AdminAPI.Reply
                    if api.authorized(request.headers.first(name: "Authorization")) {
                        reply = await api.handle(method: request.method, path: request.uri, body: body)
                    } else {
                        reply = AdminAPI.Reply(
                            status: .unauthorized,
                            body: .object(["error": .string("missing or wrong bearer token; send Authorization: Bearer <admin.token>")]))
                    }
                    let bytes = reply.body.serializedBytes()
                    var headers = HTTPHeaders()
                    headers.add(name: "Content-Type", value: "application/json")
                    headers.add(name: "Content-Length", value: "\(bytes.count)")
                    if reply.status == .unauthorized { headers.add(name: "WWW-Authenticate", value: "Bearer realm=\"outpost-platform\"") }
                    try await outbound.write(.head(HTTPResponseHead(version: request.version, status: reply.status, headers: headers)))
                    var buffer = ByteBuffer()
                    buffer.writeBytes(bytes)
                    try await outbound.write(.body(.byteBuffer(buffer)))
                    try await outbound.write(.end(nil))
                    head = nil
                }
            }
        }
    }
}
