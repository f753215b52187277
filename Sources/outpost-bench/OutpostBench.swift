import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `outpost-bench`: throughput figures for the gateway's hot paths, meant for release builds
/// (`swift run -c release outpost-bench <mode>`). Each mode is a subcommand in its own
/// `OutpostBench+Mode.swift` file; add new modes to `subcommands`.
@main
struct OutpostBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outpost-bench",
        abstract: "Measure the throughput of Outpost's hot paths and print the figures.",
        discussion: """
            Run release builds only: debug builds are 10-50x slower and say nothing about production. \
            Each figure is given as wall-clock rate and as rate per CPU-second of the measuring thread; \
            on a machine shared with other work the second is the steadier one. Compare runs on the \
            same machine, and prefer the best of several rounds.
            """,
        subcommands: [Wire.self, HTTPRate.self, Outbox.self]
    )
}

/// Shared timing helpers for the modes.
enum BenchClock {
    /// Wall-clock and CPU time of one measured loop. On a shared machine the CPU time of the measuring
    /// thread is the steadier figure: it leaves out the time other processes held the cores.
    struct Elapsed {
        var wall: Double
        var cpu: Double
    }

    /// Runs `body` `iterations` times.
    static func measure(iterations: Int, _ body: () throws -> Void) rethrows -> Elapsed {
        let clock = ContinuousClock()
        let cpuStart = threadCPUSeconds()
        let start = clock.now
        for _ in 0..<iterations {
            try body()
        }
        let elapsed = clock.now - start
        let cpu = threadCPUSeconds() - cpuStart
        return Elapsed(
            wall: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18,
            cpu: cpu
        )
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    /// `1.23 M/s`, `456.7 k/s`.
    static func rate(_ perSecond: Double) -> String {
        if perSecond >= 1e6 { return "\(round1(perSecond / 1e6)) M/s" }
        if perSecond >= 1e3 { return "\(round1(perSecond / 1e3)) k/s" }
        return "\(round1(perSecond)) /s"
    }

    static func round1(_ value: Double) -> String {
        let scaled = (value * 10).rounded() / 10
        return String(scaled)
    }
}
