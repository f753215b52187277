import Foundation
import Logging
import NIOCore
import OutpostConfig
import OutpostPlatform
import OutpostSecrets
import OutpostTLS
import OutpostUplink
import Testing

struct TimedOut: Error, CustomStringConvertible {
    var description: String
}

/// Logs from tests go to stderr only at warning and above, tagged with the test's label.
func testLogger(_ label: String) -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = ProcessInfo.processInfo.environment["OUTPOST_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
    return logger
}

/// Durations scaled down so tests take milliseconds; every bound asserted is derived from these.
enum FastTimings {
    /// Test durations are production durations times this factor (5 min → 3 s, 60 s → 0.6 s).
    static let scale = 0.01
    static let reconnect = ReconnectPolicy().scaled(by: scale)
}

/// Waits until the uplink's state satisfies `condition`, at most `timeout`; returns that state.
@discardableResult
func waitFor(
    _ uplink: Uplink, _ what: String, timeout: Duration = .seconds(15),
    until condition: @escaping @Sendable (UplinkState) -> Bool
) async throws -> UplinkState {
    let states = uplink.states()
    let found = try await withThrowingTaskGroup(of: UplinkState?.self) { group in
        group.addTask {
            for await state in states where condition(state) { return state }
            return nil
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return first
    }
    guard let found else {
        throw TimedOut(description: "waiting for \(what): gave up after \(timeout); state: \(uplink.state)")
    }
    return found
}

/// An in-process reference platform for one test.
struct PlatformUnderTest {
    let server: PlatformServer
    let addresses: PlatformServer.Addresses

    static let appKey = "good-app-key"
    static let adminToken = "admin-token"

    /// Starts a platform presenting `certificate`/`key` from `pki`; with `requireClientCertificates`,
    /// edges must present a certificate from the test CA.
    static func start(
        _ pki: TestPKI, certificate: String = "server.pem", key: String = "server.key",
        validAt: Date = Date(), requireClientCertificates: Bool = true,
        subscriptions: [OutpostConfig.PlatformSubscription] = [],
        in group: inout ThrowingTaskGroup<Void, any Error>
    ) async throws -> PlatformUnderTest {
        let identity = try TLSIdentity.load(certificateFile: pki.file(certificate), keyFile: pki.file(key), now: validAt)
        let policy: ClientCertificatePolicy =
            requireClientCertificates ? .required(try TrustRoots.load([pki.file("ca.pem")])) : .none
        let settings = PlatformSettings(
            tls: try PlatformSettings.makeServerContext(identity: identity, clientCertificates: policy),
            appKeys: [SecretValue(appKey)], adminToken: SecretValue(adminToken), subscriptions: subscriptions,
            requestTimeout: .seconds(5))
        let server = try PlatformServer(settings: settings, logger: testLogger("test.platform"))
        group.addTask { try await server.run() }
        return PlatformUnderTest(server: server, addresses: try await server.addresses())
    }
}

extension UplinkSettings {
    /// Settings for the test platform on 127.0.0.1 or localhost, trusting the test CA.
    static func forTest(
        _ pki: TestPKI, port: Int, host: String = "127.0.0.1", appKey: String = PlatformUnderTest.appKey,
        clientCertificate: String? = "client.pem", clientKey: String? = "client.key",
        passphrase: String = TestPKI.passphrase, trust: ServerTrustPolicy? = nil, autoBind: [String] = ["Dev1"]
    ) throws -> UplinkSettings {
        var identity: TLSIdentity?
        if let clientCertificate {
            identity = try TLSIdentity.load(
                certificateFile: pki.file(clientCertificate), keyFile: clientKey.map(pki.file),
                passphrase: .value(SecretValue(passphrase)))
        }
        let roots = try TrustRoots.load([pki.file("ca.pem")]).certificates.map(\.certificate)
        let tls = try UplinkSettings.makeTLS(trust: trust ?? ServerTrustPolicy(roots: roots), identity: identity)
        // Connect and message timeouts far above what a loopback handshake needs: under the parallel
        // test load (a 2-core machine, load ~14) a 3 s connect timeout turned TLS failures the tests
        // classify (expired, unknown CA, …) into connectTimeout. A failing handshake ends at once anyway.
        return UplinkSettings(
            servers: [.init(host: host, port: port)], appKey: appKey, tls: tls, autoBind: autoBind,
            messageTimeout: .seconds(10), pingInterval: .seconds(20), pongTimeout: .seconds(5),
            connectTimeout: .seconds(20), shutdownTimeout: .seconds(2), reconnect: FastTimings.reconnect)
    }
}

/// Runs `body` with an in-process platform, then shuts the platform down.
@discardableResult
func withPlatform<T>(
    _ pki: TestPKI, certificate: String = "server.pem", key: String = "server.key", validAt: Date = Date(),
    requireClientCertificates: Bool = true, subscriptions: [PlatformSubscription] = [],
    _ body: (PlatformUnderTest) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        let platform = try await PlatformUnderTest.start(
            pki, certificate: certificate, key: key, validAt: validAt,
            requireClientCertificates: requireClientCertificates, subscriptions: subscriptions, in: &group)
        do {
            let result = try await body(platform)
            platform.server.shutdown()
            try await group.waitForAll()
            return result
        } catch {
            platform.server.shutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}

/// Runs `body` with a running uplink, then shuts it down gracefully and waits for `run()` to return.
@discardableResult
func withUplink<T>(
    _ settings: UplinkSettings, handler: any UplinkRequestHandler = NotFoundRequestHandler(), seed: UInt64? = 1,
    _ body: (Uplink) async throws -> T
) async throws -> T {
    let uplink = Uplink(settings: settings, handler: handler, logger: testLogger("test.uplink"), randomSeed: seed)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await uplink.run() }
        do {
            let result = try await body(uplink)
            uplink.shutdown()
            try await group.waitForAll()
            return result
        } catch {
            uplink.shutdown()
            try? await group.waitForAll()
            throw error
        }
    }
}
