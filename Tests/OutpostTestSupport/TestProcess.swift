import Foundation
import Synchronization

/// Runs programs (`curl`, `openssl`, `outpost`, `python3`) to completion from async tests without
/// holding a thread while they run.
public enum TestProcess {
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Runs `executable` and returns its exit status and output: stdout, and stderr too when
    /// `includeStandardError`. `environment` is added to this process's environment.
    ///
    /// The output goes to a temporary file, not a pipe: a pipe's write end can be inherited by a process
    /// that a parallel test spawns at the same moment, and would then never report end-of-file.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String] = [:], includeStandardError: Bool = false
    ) async throws -> (status: Int32, output: String) {
        let outputPath = NSTemporaryDirectory() + "outpost-test-run-" + UUID().uuidString
        guard FileManager.default.createFile(atPath: outputPath, contents: nil), let output = FileHandle(forWritingAtPath: outputPath) else {
            throw Failure(description: "cannot create \(outputPath)")
        }
        defer {
            try? output.close()
            try? FileManager.default.removeItem(atPath: outputPath)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardOutput = output
        process.standardError = includeStandardError ? output : FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        return (process.terminationStatus, String(decoding: FileManager.default.contents(atPath: outputPath) ?? Data(), as: UTF8.self))
    }

    /// Runs `program` to completion on the calling thread (suites that call it carry ``Trait/blockingWork``)
    /// with `stdin` written to it, and returns its status, stdout and stderr. In `environment`, a nil
    /// value removes the variable. The output goes through temporary files, as in ``run(_:_:environment:includeStandardError:)``.
    public static func runBlocking(
        _ program: String, _ arguments: [String], stdin: String? = nil, environment: [String: String?] = [:], directory: String? = nil
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if !environment.isEmpty {
            var merged = ProcessInfo.processInfo.environment
            for (name, value) in environment { merged[name] = value }
            process.environment = merged
        }
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let outputs = NSTemporaryDirectory() + "outpost-test-process-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outputs, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: outputs) }
        let outPath = outputs + "/stdout"
        let errPath = outputs + "/stderr"
        _ = FileManager.default.createFile(atPath: outPath, contents: nil)
        _ = FileManager.default.createFile(atPath: errPath, contents: nil)
        let out = try FileHandle(forWritingTo: URL(fileURLWithPath: outPath))
        let err = try FileHandle(forWritingTo: URL(fileURLWithPath: errPath))
        process.standardOutput = out
        process.standardError = err
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        try out.close()
        try err.close()
        return (
            process.terminationStatus,
            String(decoding: FileManager.default.contents(atPath: outPath) ?? Data(), as: UTF8.self),
            String(decoding: FileManager.default.contents(atPath: errPath) ?? Data(), as: UTF8.self)
        )
    }

    /// A loopback TCP port nobody listens on right now, for a server a test starts next.
    ///
    /// Chosen below the kernel's ephemeral range (`ip_local_port_range`, 32768 and up by default), never
    /// twice in one test process. A port the kernel hands out for `bind(0)` comes from that range, and so
    /// does the local port of every outgoing connection: with tests running `curl` and clients in
    /// parallel, one of those connections could take the port between this call and the server's bind
    /// ("Address already in use"). Below the range only another test's server can take it.
    public static func freePort() throws -> Int {
        let lowest = 20_000
        let ephemeralStart = ephemeralRangeStart()
        if ephemeralStart - lowest >= 1_000 {
            for _ in 0..<500 {
                let candidate = Int.random(in: lowest..<ephemeralStart)
                guard handedOut.withLock({ $0.insert(candidate).inserted }) else { continue }
                if (try? bindLoopback(port: candidate)) != nil { return candidate }
            }
        }
        return try bindLoopback(port: 0)
    }

    private static let handedOut = Mutex<Set<Int>>([])

    /// The first port of the ephemeral range (32768 when it cannot be read).
    private static func ephemeralRangeStart() -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
            let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first, let start = Int(first)
        else { return 32_768 }
        return start
    }

    /// Binds (and closes) a loopback socket on `port`, 0 for any; the port it got.
    private static func bindLoopback(port: Int) throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw Failure(description: "cannot bind a loopback port (\(port == 0 ? "any" : String(port)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
