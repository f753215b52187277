import Foundation
import OutpostPlatform
import OutpostTLS
import OutpostUplink
import ServiceLifecycle
import Testing
import OutpostTestSupport

/// The uplink against a real platform over real TLS on 127.0.0.1: client keys in every encrypted form,
/// AUTH, BIND and a graceful UNBIND at shutdown.
@Suite(.blockingWork)
struct UplinkConnectTests {
    @Test(arguments: [KeyVariant.scrypt, .pbes2AES256SHA256, .pbes2AES256SHA512])
    func connect_withEncryptedClientKey_authenticatesAndBinds(_ variant: KeyVariant) async throws {
        let pki = try TestPKI(clientKey: variant)
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            try await withUplink(settings) { uplink in
                let state = try await waitFor(uplink, "bound") { $0.phase == .bound }
                #expect(state.boundThings == ["Dev1"])
                #expect(state.sessionID != nil)
                #expect(uplink.isConnected)
                #expect(platform.server.store.thing("Dev1")?.isConnected == true)
                #expect(platform.server.registry.sessions.first?.boundThings == ["Dev1"])
            }
        }
    }

    @Test func connect_byHostName_sendsSNIAndVerifiesDNSName() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort, host: "localhost")
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
            }
        }
    }

    @Test func shutdown_sendsUnbindBeforeClose_platformShowsDisconnected() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort, autoBind: ["Dev1", "Dev2"])
            let uplink = try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
                #expect(platform.server.store.thing("Dev2")?.isConnected == true)
                return uplink
            }
            // run() has returned: the UNBIND reply arrived before the close frame was sent.
            #expect(uplink.state.phase == .stopped)
            for name in ["Dev1", "Dev2"] {
                let thing = platform.server.store.thing(name)
                #expect(thing?.isConnected == false)
                #expect(thing?.lastDisconnectReason == "UNBIND")
            }
        }
    }

    @Test func bindAndUnbind_atRunTime_reachThePlatform() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
                // More names than fit one 8 KiB BIND: several BIND messages.
                let many = (0..<600).map { "Sensor-\($0)-with-a-rather-long-name" }
                try await uplink.bind(names: many)
                #expect(platform.server.store.thing("Sensor-599-with-a-rather-long-name")?.isConnected == true)
                #expect(uplink.state.boundThings.count == 601)
                try await uplink.unbind(names: ["Sensor-0-with-a-rather-long-name"])
                let removed = platform.server.store.thing("Sensor-0-with-a-rather-long-name")
                #expect(removed?.isConnected == false)
                #expect(removed?.lastDisconnectReason == "UNBIND")
            }
        }
    }
}

/// `ws_servers` are tried in order: an unreachable first address fails over to the next.
@Suite(.blockingWork)
struct UplinkFailoverTests {
    @Test func unreachableFirstServer_failsOverToTheNext() async throws {
        let pki = try TestPKI()
        let deadPort = try await withPlatform(pki) { $0.addresses.alwaysOnPort }
        try await withPlatform(pki) { platform in
            var settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            settings.servers.insert(.init(host: "127.0.0.1", port: deadPort), at: 0)
            try await withUplink(settings) { uplink in
                let state = try await waitFor(uplink, "bound") { $0.phase == .bound }
                #expect(state.server == "127.0.0.1:\(platform.addresses.alwaysOnPort)")
                #expect(state.attempts >= 2)
            }
        }
    }
}

/// The uplink as a service in a `ServiceGroup`: graceful shutdown (what SIGTERM/SIGINT trigger) unbinds.
@Suite(.blockingWork)
struct UplinkServiceTests {
    @Test func serviceGroupGracefulShutdown_unbindsBeforeClosing() async throws {
        let pki = try TestPKI()
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort)
            let uplink = Uplink(settings: settings, logger: testLogger("test.uplink"))
            let group = ServiceGroup(services: [uplink], logger: testLogger("test.group"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                try await waitFor(uplink, "bound") { $0.phase == .bound }
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
            #expect(uplink.state.phase == .stopped)
            #expect(platform.server.store.thing("Dev1")?.lastDisconnectReason == "UNBIND")
        }
    }
}
