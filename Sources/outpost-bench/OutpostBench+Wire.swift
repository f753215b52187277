import ArgumentParser
import NIOCore
import OutpostWire

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension OutpostBench {
    /// Encode and decode of a property push (`UpdateSubscribedPropertyValues`, `alwayson.md` §5e) with
    /// several rows, the message an edge sends most.
    struct Wire: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "AlwaysOn codec: encode and decode a property-push message.",
            discussion: """
                The message is a POST of UpdateSubscribedPropertyValues whose 'values' InfoTable has \
                --rows rows (name, VARIANT NUMBER value, DATETIME time, quality), as the C SDK sends it. \
                Encoding reuses one buffer (clear, then encode), as an uplink does. Decoding builds the \
                full message value from the bytes and frees it again inside the timed loop (every string, \
                field list and row storage is allocated and released per message), once statelessly and \
                once through a per-connection MultipartAssembler (with its string cache), as the uplink \
                and the platform receive. Goal on this 2-core machine: 1 M/s encode, 500 k/s decode with \
                10 rows.

                Each figure is printed as the wall-clock rate and the rate per CPU-second of the \
                measuring thread, with the load average at the end of the run: wall-clock figures are \
                only comparable on a quiet machine (load average well below the core count). To \
                reproduce: `swift run -c release outpost-bench wire` on a quiet machine. For a \
                load-independent figure count instructions with callgrind on a copy of the release \
                binary stripped of debug information: run `valgrind --tool=callgrind --only decode \
                --iterations 20000 --rounds 1` and the same with `--iterations 1`, and divide the \
                difference of the two totals by 19999 (the command lines are printed after the figures).
                """
        )

        @Option(help: "Rows in the pushed InfoTable.")
        var rows: Int = 10

        @Option(help: "Messages per round.")
        var iterations: Int = 1_000_000

        @Option(help: "Rounds per measurement; the best round is reported.")
        var rounds: Int = 5

        /// What to measure.
        enum Part: String, ExpressibleByArgument, CaseIterable {
            case encode, decode, assembler, all
        }

        @Option(help: "Measure one part only (for profiling): encode, decode (stateless), assembler (decode through a per-connection MultipartAssembler), or all.")
        var only: Part = .all

        func validate() throws {
            guard rows >= 0 else { throw ValidationError("--rows must not be negative.") }
            guard iterations > 0, rounds > 0 else { throw ValidationError("--iterations and --rounds must be positive.") }
        }

        func run() throws {
            let message = Self.propertyPush(rows: rows)
            var buffer = ByteBufferAllocator().buffer(capacity: 4096)
            try message.encode(into: &buffer)
            let size = buffer.readableBytes
            guard try AlwaysOnMessage(decoding: buffer) == message else {
                throw ValidationError("the benchmark message does not survive a round trip")
            }
            print("wire: property push, \(rows) rows, \(size) bytes per message, \(iterations) messages x \(rounds) rounds")

            var encodeBest = BenchClock.Elapsed(wall: .infinity, cpu: .infinity)
            for _ in 0..<(only == .all || only == .encode ? rounds : 0) {
                let elapsed = try BenchClock.measure(iterations: iterations) {
                    buffer.clear()
                    try message.encode(into: &buffer)
                }
                encodeBest = BenchClock.Elapsed(wall: min(encodeBest.wall, elapsed.wall), cpu: min(encodeBest.cpu, elapsed.cpu))
            }
            let frame = buffer
            var checksum: UInt64 = 0
            var decodeBest = BenchClock.Elapsed(wall: .infinity, cpu: .infinity)
            for _ in 0..<(only == .all || only == .decode ? rounds : 0) {
                let elapsed = try BenchClock.measure(iterations: iterations) {
                    let decoded = try AlwaysOnMessage(decoding: frame)
                    checksum &+= UInt64(decoded.requestID)
                }
                decodeBest = BenchClock.Elapsed(wall: min(decodeBest.wall, elapsed.wall), cpu: min(decodeBest.cpu, elapsed.cpu))
            }
            var assembler = MultipartAssembler()
            var assembledBest = BenchClock.Elapsed(wall: .infinity, cpu: .infinity)
            for _ in 0..<(only == .all || only == .assembler ? rounds : 0) {
                let elapsed = try BenchClock.measure(iterations: iterations) {
                    let decoded = try assembler.receive(frame)
                    checksum &+= UInt64(decoded?.requestID ?? 0)
                }
                assembledBest = BenchClock.Elapsed(wall: min(assembledBest.wall, elapsed.wall), cpu: min(assembledBest.cpu, elapsed.cpu))
            }
            if only == .all || only == .encode { report("encode", encodeBest, size: size) }
            if only == .all || only == .decode { report("decode", decodeBest, size: size) }
            if only == .all || only == .assembler {
                report("decode via MultipartAssembler (per-connection string cache)", assembledBest, size: size)
            }
            print("  (checksum \(checksum))")
            print("  load average \(Self.loadAverage()) (1, 5, 15 min) on \(Self.coreCount()) cores at the end of the run")
            print("  reproduce: swift run -c release outpost-bench wire --rows \(rows) --iterations \(iterations) --rounds \(rounds)")
            print("  instructions per message (load-independent): strip --strip-debug <release>/outpost-bench -o /tmp/bench;")
            print("    valgrind --tool=callgrind /tmp/bench wire --only decode --rounds 1 --iterations 20000  (and --iterations 1);")
            print("    (total of the first - total of the second) / 19999")
        }

        /// `1.05 0.98 0.91` from `getloadavg` (what `uptime` prints), or `unknown`.
        static func loadAverage() -> String {
            var loads = [Double](repeating: 0, count: 3)
            guard getloadavg(&loads, 3) == 3 else { return "unknown" }
            return loads.map { String(($0 * 100).rounded() / 100) }.joined(separator: " ")
        }

        /// Cores online, for reading the load average.
        static func coreCount() -> Int {
            Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        }

        private func report(_ what: String, _ elapsed: BenchClock.Elapsed, size: Int) {
            let perSecond = Double(iterations) / elapsed.wall
            let perCPUSecond = Double(iterations) / elapsed.cpu
            let nanoseconds = elapsed.cpu / Double(iterations) * 1e9
            let megabytes = perSecond * Double(size) / 1e6
            print(
                "  \(what): \(BenchClock.rate(perSecond)) messages wall-clock, \(BenchClock.rate(perCPUSecond)) per CPU-second (\(BenchClock.round1(nanoseconds)) ns CPU each, \(BenchClock.round1(megabytes)) MB/s)"
            )
        }

        /// POST THING Dev1 SERVICES UpdateSubscribedPropertyValues, params `values` = INFOTABLE of
        /// name/value/time/quality rows.
        static func propertyPush(rows: Int) -> AlwaysOnMessage {
            let shape = DataShape(fields: [
                FieldDefinition(name: "name", baseType: .string),
                FieldDefinition(name: "value", baseType: .variant),
                FieldDefinition(name: "time", baseType: .datetime),
                FieldDefinition(name: "quality", baseType: .string),
            ])
            let values = InfoTable(
                dataShape: shape,
                rows: (0..<rows).map { index in
                    [
                        .string("Temp\(index)"),
                        .variant(.number(21.5 + Double(index))),
                        .datetime(1_704_067_200_000 + Int64(index)),
                        .string("GOOD"),
                    ]
                }
            )
            let parameters = InfoTable(
                fields: [FieldDefinition(name: "values", baseType: .infoTable)],
                rows: [[.infoTable(values)]]
            )
            return AlwaysOnMessage(
                requestID: 4,
                sessionID: 0x2A,
                body: .request(
                    RequestBody(
                        method: .post,
                        entityName: "Dev1",
                        characteristic: .services,
                        target: "UpdateSubscribedPropertyValues",
                        parameters: parameters
                    )
                )
            )
        }
    }
}
