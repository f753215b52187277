import Logging
import OutpostPlatform
import OutpostSecrets
import Testing

/// `shutdown()` ends `run()` whenever it is called, including before the listeners are bound: a test
/// harness (or a service group) may stop the platform the moment `addresses()` returns.
struct PlatformServerLifecycleTests {
    private static func server() throws -> PlatformServer {
        let settings = PlatformSettings(tls: nil, appKeys: [SecretValue("lifecycle-app-key")], adminToken: SecretValue("lifecycle-admin-token"))
        var logger = Logger(label: "test.platform.lifecycle")
        logger.logLevel = .warning
        return try PlatformServer(settings: settings, logger: logger)
    }

    /// Runs the server and says whether `run()` returned within the deadline.
    private static func runEnds(_ server: PlatformServer, beforeRun: () -> Void = {}, afterListening: @escaping @Sendable () -> Void = {}) async throws -> Bool {
        beforeRun()
        return try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask {
                try await server.run()
                return true
            }
            group.addTask {
                _ = try await server.addresses()
                afterListening()
                // A deadline, not a pause: run() returns at once once its listeners are closed.
                try await Task.sleep(for: .seconds(30))
                return false
            }
            let first = try await group.next() ?? false
            server.shutdown()
            group.cancelAll()
            return first
        }
    }

    @Test func shutdownBeforeRun_endsRunOnceBound() async throws {
        let server = try Self.server()
        #expect(try await Self.runEnds(server, beforeRun: { server.shutdown() }), "run() kept serving after an early shutdown()")
    }

    @Test func shutdownRightAfterTheAddresses_endsRun() async throws {
        let server = try Self.server()
        #expect(try await Self.runEnds(server, afterListening: { server.shutdown() }), "run() kept serving after shutdown()")
    }
}
