import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

extension OutpostBench {
    /// `outpost-bench http-rate`: open-loop HTTP/1.1 load at a fixed rate (what wrk2 does; wrk2 is not
    /// packaged in Debian). Request i is due at start + i/rate and goes to connection i mod N; a
    /// connection busy with an earlier request queues it. Latency runs from the moment a request was
    /// due, so a server that falls behind is charged for the queue it causes (no coordinated omission).
    struct HTTPRate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "http-rate",
            abstract: "Fixed-rate (open-loop) HTTP/1.1 load on keep-alive connections; prints latency percentiles.",
            discussion: """
                Example: outpost-bench http-rate https://127.0.0.1:8000/Thingworx/Things/T/Properties/p --rate 5000 \
                --method PUT --body '{"p": 1}' --header 'Authorization: Basic ...' --header 'Content-Type: application/json'

                HTTPS does not verify the server certificate (it measures, it does not trust). Prints one line: \
                rate=<answered req/s> p50= p90= p99= p999= max= (ms) non2xx= count=.
                """
        )

        @Argument(help: "http:// or https:// URL.")
        var url: String

        @Option(help: "Requests per second.")
        var rate: Double = 5000

        @Option(help: "Seconds measured (after the warm-up).")
        var duration: Double = 10

        @Option(help: "Seconds of load before measuring.")
        var warmup: Double = 2

        @Option(help: "Keep-alive connections.")
        var connections: Int = 50

        @Option(help: "HTTP method.")
        var method: String = "GET"

        @Option(help: "Request body.")
        var body: String = ""

        @Option(name: .customLong("header"), help: "A request header, 'Name: value' (repeatable).")
        var headers: [String] = []

        func run() throws {
            guard let parsed = URLComponents(string: url), let host = parsed.host, let scheme = parsed.scheme,
                scheme == "http" || scheme == "https"
            else {
                throw ValidationError("url must be http://host:port/path or https://host:port/path, got \(url)")
            }
            guard rate > 0, connections > 0, duration > 0 else { throw ValidationError("rate, connections and duration must be positive") }
            let tls = scheme == "https"
            let port = parsed.port ?? (tls ? 443 : 80)
            var head = "\(method) \(parsed.percentEncodedPath.isEmpty ? "/" : parsed.percentEncodedPath) HTTP/1.1\r\nHost: \(host):\(port)\r\n"
            for header in headers { head += header + "\r\n" }
            if !body.isEmpty { head += "Content-Length: \(body.utf8.count)\r\n" }
            let request = Array((head + "\r\n" + body).utf8)

            let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
            defer { try? group.syncShutdownGracefully() }
            let loop = group.next()
            let sslContext = tls ? try NIOSSLContext(configuration: Self.clientTLS()) : nil
            let state = RateState(loop: loop)
            var channels: [any Channel] = []
            for index in 0..<connections {
                let bootstrap = ClientBootstrap(group: loop).channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if let sslContext {
                            try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                        }
                        try channel.pipeline.syncOperations.addHandler(ResponseCounter(state: state, index: index))
                    }
                }
                channels.append(try bootstrap.connect(host: host, port: port).wait())
            }
            let opened = channels
            let finished = try loop.submit {
                state.start(channels: opened, request: request, rate: rate, warmup: warmup, duration: duration)
            }.wait()
            let result = try finished.wait()
            for channel in channels { try? channel.close().wait() }
            print(result)
        }

        static func clientTLS() -> TLSConfiguration {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            return configuration
        }
    }
}

/// Everything the load shares, confined to one event loop (hence `@unchecked Sendable`).
final class RateState: @unchecked Sendable {
    private let loop: any EventLoop
    private var channels: [any Channel] = []
    private var request: ByteBuffer = ByteBuffer()
    /// Per connection: due times of requests written or waiting, oldest first; the first is in flight.
    private var queues: [[UInt64]] = []
    private var latencies: [UInt64] = []
    private var non2xx = 0
    private var measureFrom: UInt64 = 0
    private var end: UInt64 = 0
    private var start: UInt64 = 0
    private var interval: Double = 0
    private var issued = 0
    private var total = 0
    private var done: EventLoopPromise<String>?
    private var ticker: RepeatedTask?

    init(loop: any EventLoop) {
        self.loop = loop
    }

    func start(channels: [any Channel], request: [UInt8], rate: Double, warmup: Double, duration: Double) -> EventLoopFuture<String> {
        self.channels = channels
        self.request = ByteBuffer(bytes: request)
        queues = Array(repeating: [], count: channels.count)
        interval = 1e9 / rate
        start = DispatchTime.now().uptimeNanoseconds
        measureFrom = start + UInt64(warmup * 1e9)
        end = measureFrom + UInt64(duration * 1e9)
        total = Int((warmup + duration) * rate)
        latencies.reserveCapacity(Int(duration * rate))
        let promise = loop.makePromise(of: String.self)
        done = promise
        ticker = loop.scheduleRepeatedTask(initialDelay: .zero, delay: .microseconds(200)) { [self] _ in tick() }
        return promise.futureResult
    }

    private func tick() {
        let now = DispatchTime.now().uptimeNanoseconds
        let dueCount = min(total, Int(Double(now - start) / interval) + 1)
        while issued < dueCount {
            let due = start + UInt64(Double(issued) * interval)
            let index = issued % channels.count
            queues[index].append(due)
            if queues[index].count == 1 { channels[index].writeAndFlush(request, promise: nil) }
            issued += 1
        }
        if issued >= total { ticker?.cancel() }
        finishIfDone()
    }

    /// A complete response arrived on connection `index`.
    func answered(_ index: Int, success: Bool) {
        guard !queues[index].isEmpty else { return }
        let due = queues[index].removeFirst()
        if due >= measureFrom {
            latencies.append(DispatchTime.now().uptimeNanoseconds - due)
            if !success { non2xx += 1 }
        }
        if !queues[index].isEmpty { channels[index].writeAndFlush(request, promise: nil) }
        finishIfDone()
    }

    private func finishIfDone() {
        guard issued >= total, queues.allSatisfy(\.isEmpty), let promise = done else { return }
        done = nil
        let elapsed = Double(max(end, DispatchTime.now().uptimeNanoseconds) - measureFrom) / 1e9
        latencies.sort()
        func percentile(_ p: Double) -> String {
            guard !latencies.isEmpty else { return "n/a" }
            let value = latencies[min(latencies.count - 1, Int(p / 100 * Double(latencies.count)))]
            return String(format: "%.2f", Double(value) / 1e6)
        }
        promise.succeed(
            "rate=\(Int(Double(latencies.count) / elapsed)) p50=\(percentile(50)) p90=\(percentile(90)) p99=\(percentile(99)) "
                + "p999=\(percentile(99.9)) max=\(percentile(100)) non2xx=\(non2xx) count=\(latencies.count)")
    }
}

/// Splits the byte stream of one connection into HTTP/1.1 responses (head + Content-Length body).
final class ResponseCounter: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private let state: RateState
    private let index: Int
    private var buffer = ByteBuffer()

    init(state: RateState, index: Int) {
        self.state = state
        self.index = index
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        buffer.writeBuffer(&incoming)
        while let (length, success) = nextResponse() {
            buffer.moveReaderIndex(forwardBy: length)
            state.answered(index, success: success)
        }
        buffer.discardReadBytes()
    }

    /// Length and status class of the first complete response in `buffer`, if there is one.
    private func nextResponse() -> (Int, Bool)? {
        let view = buffer.readableBytesView
        guard let headEnd = view.firstRange(of: [13, 10, 13, 10]) else { return nil }
        let headLength = headEnd.upperBound - view.startIndex
        let head = String(decoding: view[view.startIndex..<headEnd.lowerBound], as: UTF8.self)
        var bodyLength = 0
        for line in head.split(separator: "\r\n").dropFirst() where line.lowercased().hasPrefix("content-length:") {
            bodyLength = Int(line.dropFirst("content-length:".count).trimmingCharacters(in: .whitespaces)) ?? 0
        }
        guard view.count >= headLength + bodyLength else { return nil }
        return (headLength + bodyLength, head.hasPrefix("HTTP/1.1 2"))
    }
}
