import Foundation
import OutpostTestSupport

/// Runs the built `outpost` binary (or another program) as a child process, as an operator would, and
/// collects its exit status, stdout and stderr.
///
/// The binary is found next to the running test bundle: `swift test` builds `outpost` into the same
/// directory as the test executable (`.build/debug/outpostPackageTests.xctest`). Set `OUTPOST_BINARY`
/// to test another build. Output goes to temporary files rather than pipes, so a chatty child can
/// never block on a full pipe.
struct OutpostProcess {
    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String

        /// stderr split into non-empty lines.
        var stderrLines: [String] { stderr.split(separator: "\n").map(String.init) }

        var description: String { "status \(status)\nstdout: \(stdout)\nstderr: \(stderr)" }
    }

    /// Path of the `outpost` executable under test.
    static let binaryPath: String = {
        if let override = ProcessInfo.processInfo.environment["OUTPOST_BINARY"], !override.isEmpty { return override }
        var candidates: [URL] = []
        #if os(Linux)
        candidates.append(URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent())
        #endif
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent())
        }
        candidates.append(URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent())
        for directory in candidates {
            let path = directory.appendingPathComponent("outpost").path
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return candidates.first.map { $0.appendingPathComponent("outpost").path } ?? "outpost"
    }()

    /// Runs `outpost ARGUMENTS`.
    ///
    /// - Parameters:
    ///   - stdin: Text written to the child's stdin, which is then closed (nil: empty stdin).
    ///   - environment: Variables set on top of this process's environment (`nil` values remove one).
    ///   - directory: Working directory of the child.
    ///   - launcher: A command prefix, e.g. `["setpriv", "--reuid=65534", ...]` to run as another user.
    static func run(
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String?] = [:],
        directory: String? = nil,
        launcher: [String] = []
    ) throws -> Result {
        let command = launcher + [binaryPath] + arguments
        return try runProgram(command[0], Array(command.dropFirst()), stdin: stdin, environment: environment, directory: directory)
    }

    /// Runs any program (by absolute path) the same way.
    static func runProgram(
        _ program: String,
        _ arguments: [String],
        stdin: String? = nil,
        environment: [String: String?] = [:],
        directory: String? = nil
    ) throws -> Result {
        let result = try TestProcess.runBlocking(program, arguments, stdin: stdin ?? "", environment: environment, directory: directory)
        return Result(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    /// `setpriv` arguments that run the child as `nobody`, for permission tests (tests run as root,
    /// which may read any file). Nil when `setpriv` is not installed.
    static var asNobody: [String]? {
        let setpriv = "/usr/bin/setpriv"
        guard FileManager.default.isExecutableFile(atPath: setpriv) else { return nil }
        return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups", "--"]
    }
}
