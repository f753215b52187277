import Foundation
import Testing
import OutpostTestSupport

/// `outpost` stops on SIGTERM even when its parent started it with SIGTERM blocked, as a parent
/// spawning from a libdispatch worker thread does (the mask is inherited through exec; Foundation's
/// `Process` started from Swift concurrency code hands it on). Other programs started that way
/// (`openssl s_client`, python) do sit through SIGTERM; `outpost` holds because its signal handling
/// reads the signals through a signalfd, which takes blocked signals.
@Suite("inherited signal mask", .blockingWork)
struct SignalMaskTests {
    /// Blocks SIGTERM, starts `outpost platform` (which inherits the mask), waits for its
    /// `listening` line, sends SIGTERM and reports whether and how it exited within 15 s.
    static let script = """
        import json, os, signal, subprocess, sys, time
        binary, config = sys.argv[1], sys.argv[2]
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGTERM})
        child = subprocess.Popen([binary, "platform", "--config", config], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        with open("/proc/%d/status" % child.pid) as status:
            blocked = [line.split()[1] for line in status if line.startswith("SigBlk")][0]
        line = child.stdout.readline().decode()
        child.send_signal(signal.SIGTERM)
        started = time.time()
        try:
            code = child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
            code = None
        print(json.dumps({"listening": line.strip(), "exit": code, "seconds": round(time.time() - started, 2), "inheritedMask": blocked}))
        """

    @Test func sigtermStopsAProcessStartedWithSIGTERMBlocked() throws {
        let directory = NSTemporaryDirectory() + "outpost-sigmask-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try #"""
            { "listen": { "host": "127.0.0.1", "port": 0, "resource": "/Thingworx/WS" },
              "app_keys": ["sigmask-app-key"],
              "admin": { "host": "127.0.0.1", "port": 0, "token": "sigmask-admin-token" },
              "store": { "path": "\#(directory)/things.sqlite" } }
            """#.write(toFile: directory + "/platform.json", atomically: true, encoding: .utf8)
        let python = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : "/usr/local/bin/python3"
        let result = try OutpostProcess.runProgram(
            python, ["-c", Self.script, OutpostProcess.binaryPath, directory + "/platform.json"],
            environment: ["OUTPOST_SECRET_KEY_FILE": directory + "/secret.key"])
        #expect(result.status == 0, "\(result)")
        let line = result.stdout.split(separator: "\n").last.map(String.init) ?? ""
        let report = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "\(result)")
        let mask = UInt64(report["inheritedMask"] as? String ?? "", radix: 16) ?? 0
        #expect(mask & (1 << (UInt64(SIGTERM) - 1)) != 0, "the child must start with SIGTERM blocked, or this test shows nothing: \(report)")
        #expect((report["listening"] as? String)?.hasPrefix("listening") == true, "\(report)")
        #expect(report["exit"] as? Int == 0, "SIGTERM must stop outpost with status 0 despite the inherited mask: \(report)")
    }
}
