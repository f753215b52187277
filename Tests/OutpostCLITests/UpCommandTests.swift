import Foundation
import Testing
import OutpostTestSupport

/// `outpost up` as the README runs it: the real binary supervising the real platform, EMS and LSR on
/// the repository's configs, with its state in a temporary directory and OS-chosen ports. The HTTP
/// checks paste the banner's curl lines into bash, so they also prove the printed commands work.
@Suite("outpost up", .serialized, .blockingWork)
struct UpCommandTests {
    static let components = ["platform", "ems", "lsr"]

    @Test("a PUT on the EMS reaches the platform; the platform calls the Lua service; the task pushes; SIGINT stops all")
    func demoEndToEnd() async throws {
        let directory = try CLITestDirectory()
        let up = try UpProcess(stateDirectory: directory.file("state"), directory: directory.path)
        try #require(await up.waitUntilReady(), "outpost up did not get ready:\n\(up.output)")
        let curls = up.curlCommands
        try #require(curls.count == 4, "expected four curl lines in the banner:\n\(up.output)")
        #expect(!up.output.contains(try Self.secret(directory.file("state/ems.netrc"), after: "password ")))
        #expect(!up.output.contains(try Self.secret(directory.file("state/admin.header"), after: "Bearer ")))

        let put = try up.runPasted(curls[0])
        #expect(put.status == 0, "\(curls[0])\n\(put)")
        let history = try await Self.poll("the PUT value in the platform's history") {
            let read = try up.runPasted(curls[1])
            return read.status == 0 && Self.historyValues(read.stdout).contains(23.5) ? read.stdout : nil
        }
        #expect(history.contains("23.5"))

        let calibrate = try await Self.poll("the Calibrate service answered by Lua") {
            let call = try up.runPasted(curls[2])
            return call.status == 0 ? call.stdout : nil
        }
        #expect(calibrate.contains("after calibration (demo)"), "\(calibrate)")

        let pushed = try await Self.poll("at least three different Temperature values pushed by the task") {
            let read = try up.runPasted(curls[3])
            let values = Set(Self.historyValues(read.stdout))
            return values.count >= 3 ? values : nil
        }
        #expect(pushed.count >= 3)

        let pids = Self.components.compactMap(up.pid(of:))
        #expect(pids.count == 3, "\(up.output)")
        up.send(SIGINT)
        let status = await up.waitForExit()
        #expect(status == 0, "\(up.output)")
        for pid in pids { #expect(UpProcess.isGone(pid), "component pid \(pid) outlived outpost up") }
        #expect(up.output.contains("outpost up: stopped"))
        let order = ["lsr", "ems", "platform"].compactMap { name in
            up.output.range(of: "outpost up: stopping \(name) (pid")?.lowerBound
        }
        #expect(order.count == 3 && order == order.sorted(), "components must stop in reverse order of start")
    }

    @Test("a second run reuses the PKI, the key file and the sealed secrets unchanged")
    func secondRunReusesState() async throws {
        let directory = try CLITestDirectory()
        let state = directory.file("state")
        let first = try UpProcess(stateDirectory: state, directory: directory.path)
        try #require(await first.waitUntilReady(), "\(first.output)")
        first.send(SIGTERM)
        #expect(await first.waitForExit() == 0, "\(first.output)")
        let before = try Self.snapshot(state)
        #expect(before.keys.contains("pki/ems-client.key.p8") && before.keys.contains("secret.key"))
        #expect(before["pki/ems-client.key.p8"].map { String(decoding: $0, as: UTF8.self) }?.contains("BEGIN ENCRYPTED PRIVATE KEY") == true)
        #expect(before["secrets.json"].map { String(decoding: $0, as: UTF8.self) }?.contains("enc:v1:") == true)

        let second = try UpProcess(stateDirectory: state, directory: directory.path)
        try #require(await second.waitUntilReady(), "\(second.output)")
        #expect(second.output.contains("outpost up: reusing"))
        #expect(try Self.snapshot(state) == before)
        let effective = try String(contentsOfFile: state + "/config.json", encoding: .utf8)
        #expect(effective.contains("\"appKey\": \"enc:v1:") && !effective.contains("outpost-demo"))
        second.send(SIGTERM)
        #expect(await second.waitForExit() == 0, "\(second.output)")
    }

    @Test("a component killed with SIGKILL stops outpost up with a message naming it, exit status 1")
    func crashedComponentStopsEverything() async throws {
        let directory = try CLITestDirectory()
        let up = try UpProcess(stateDirectory: directory.file("state"), directory: directory.path)
        try #require(await up.waitUntilReady(), "\(up.output)")
        let ems = try #require(up.pid(of: "ems"))
        let others = ["platform", "lsr"].compactMap(up.pid(of:))
        kill(ems, SIGKILL)
        let status = await up.waitForExit()
        // (Once, in a run of the whole CLI target, the status was not 1 although the message below was printed;
        // say how `outpost up` ended if it happens again.)
        #expect(status == 1, "status \(String(describing: status)), \(up.process.terminationReason == .uncaughtSignal ? "signal" : "exit"): \(up.output)")
        #expect(up.output.contains("ems (pid \(ems)) ended unexpectedly (killed by signal 9 (SIGKILL))"), "\(up.output)")
        for pid in others { #expect(UpProcess.isGone(pid), "pid \(pid) outlived outpost up") }
    }

    @Test("when outpost up itself is killed with SIGKILL, its components stop on their own")
    func killedSupervisorLeavesNoOrphans() async throws {
        let directory = try CLITestDirectory()
        let up = try UpProcess(stateDirectory: directory.file("state"), directory: directory.path)
        try #require(await up.waitUntilReady(), "\(up.output)")
        let pids = Self.components.compactMap(up.pid(of:))
        #expect(pids.count == 3)
        up.send(SIGKILL)
        _ = await up.waitForExit()
        for pid in pids {
            let gone = try await Self.poll("pid \(pid) to stop after its supervisor died", timeout: 30) {
                UpProcess.isGone(pid) ? true : nil
            }
            #expect(gone)
        }
    }

    @Test("a damaged state directory is named, with the advice to delete it")
    func damagedStateIsReported() async throws {
        let directory = try CLITestDirectory()
        let state = directory.file("state")
        // A missing platform config stops `up` right after the state is made, before anything starts.
        let arguments = [
            "up", "--config", UpProcess.repository + "/config.json", "--lua-config", UpProcess.repository + "/config.lua",
            "--platform-config", directory.file("absent.json"), "--state-dir", state, "--ports", "auto",
        ]
        let first = try OutpostProcess.run(arguments, directory: directory.path)
        #expect(first.status == 1)
        #expect(first.stderr.contains("absent.json: file not found"), "\(first)")
        #expect(FileManager.default.fileExists(atPath: state + "/pki/ems-client.key.p8"))

        try FileManager.default.removeItem(atPath: state + "/pki/ems-client.key.p8")
        let second = try OutpostProcess.run(arguments, directory: directory.path)
        #expect(second.status == 1)
        #expect(second.stderr.contains("\(state)/pki/ems-client.key.p8: is missing"), "\(second)")
        #expect(second.stderr.contains("rm -rf \(state)"), "\(second)")
    }

    // MARK: - Helpers

    /// Polls `condition` every 200 ms until it returns a value; fails after `timeout` seconds.
    static func poll<T>(_ what: String, timeout: Double = 60, _ condition: () throws -> T?) async throws -> T {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let value = try condition() { return value }
            try await Task.sleep(for: .milliseconds(200))
        }
        Issue.record("timed out after \(Int(timeout)) s waiting for \(what)")
        throw CancellationError()
    }

    /// The numeric `value`s of an admin API history answer.
    static func historyValues(_ json: String) -> [Double] {
        guard let object = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any],
            let history = object["history"] as? [[String: Any]]
        else { return [] }
        return history.compactMap { ($0["value"] as? NSNumber)?.doubleValue }
    }

    /// The text after `marker` on the first line of a credential file.
    static func secret(_ path: String, after marker: String) throws -> String {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let range = try #require(text.range(of: marker))
        let value = text[range.upperBound...].prefix { !$0.isWhitespace }
        try #require(value.count >= 16)
        return String(value)
    }

    /// The bytes of the state files that must survive a second run unchanged.
    static func snapshot(_ state: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in ["secret.key", "secrets.json"] {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: state + "/" + name))
        }
        for name in try FileManager.default.contentsOfDirectory(atPath: state + "/pki") {
            files["pki/" + name] = try Data(contentsOf: URL(fileURLWithPath: state + "/pki/" + name))
        }
        return files
    }
}
