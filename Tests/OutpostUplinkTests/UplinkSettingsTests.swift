import Foundation
import Logging
import NIOSSL
import OutpostConfig
import OutpostPlatform
import OutpostSecrets
import OutpostTLS
import OutpostUplink
import OutpostWire
import Testing
import OutpostTestSupport

/// Settings from config.json, and TLS version mismatches.
@Suite(.blockingWork)
struct UplinkSettingsTests {
    @Test func settingsFromConfig_openSecrets_loadTheEncryptedKey_andSplitGatewayFromThings() throws {
        let pki = try TestPKI(clientKey: .scrypt)
        let keyFile = pki.file("secret.key")
        let sealedPassphrase = try SecretKeyFile.loadOrCreate(at: keyFile).seal(SecretValue(TestPKI.passphrase))
        let result = EMSConfig.load(
            """
            {
              "ws_servers": [{"host": "127.0.0.1", "port": 8443}, {"host": "backup.example", "port": 443}],
              "appKey": "plain-app-key",
              "ws_connection": {"msg_timeout": 2500, "ping_rate": 30000, "pingpong_timeout": 5000, "connect_retry_interval": 2000,
                                "max_connect_delay": 7000, "max_messages": 7},
              "certificates": {"cert_chain": "\(pki.file("ca.pem"))", "client_cert": "\(pki.file("client.pem"))",
                               "key_file": "\(pki.file("client.key"))", "key_passphrase": "\(sealedPassphrase)",
                               "fingerprints": ["\(try pki.fingerprint("server.pem"))"]},
              "auto_bind": [{"name": "EdgeGateway", "gateway": true}, {"name": "Dev1"}, {"name": "Dev2"}]
            }
            """)
        // (http_server defaults draw unrelated findings; the uplink only needs its own groups.)
        #expect(!result.findings.contains { $0.path.hasPrefix("certificates") || $0.path.hasPrefix("ws_") })
        let settings = try UplinkSettings(
            config: try #require(result.config), resolver: SecretResolver(keyFilePath: keyFile), logger: testLogger("test"))
        #expect(settings.servers.map(\.description) == ["127.0.0.1:8443", "backup.example:443"])
        #expect(settings.appKey == "plain-app-key")
        #expect(settings.autoBind == ["Dev1", "Dev2"])
        #expect(settings.gateway?.name == "EdgeGateway")
        #expect(settings.gateway?.type == "EMSGateway")
        #expect(settings.messageTimeout == .milliseconds(2500))
        #expect(settings.pingInterval == .seconds(30))
        #expect(settings.maxInFlight == 7)
        #expect(settings.reconnect.baseDelay == .seconds(2))
        #expect(settings.reconnect.maxInitialDelay == .seconds(7))
        let tls = try #require(settings.tls)
        #expect(tls.presentsClientCertificate)
        #expect(tls.trust.fingerprints.count == 1)
        #expect(tls.trust.roots.count == 1)
    }

    @Test func wrongKeyPassphrase_isAConfigurationError() throws {
        let pki = try TestPKI()
        var config = EMSConfig()
        config.wsServers = [WSServer(host: "127.0.0.1", port: 1)]
        config.appKey = ConfigSecret("k")
        config.certificates.certChain = [pki.file("ca.pem")]
        config.certificates.clientCert = pki.file("client.pem")
        config.certificates.keyFile = pki.file("client.key")
        config.certificates.keyPassphrase = ConfigSecret("wrong passphrase")
        let error = #expect(throws: UplinkError.self) {
            try UplinkSettings(config: config, resolver: SecretResolver(keyFilePath: pki.file("none.key")), logger: testLogger("test"))
        }
        #expect(error?.code == .configuration)
        #expect(error?.message.contains("client certificate") == true)
    }

    @Test func noCommonTLSVersion_isReportedAsProtocolMismatch() async throws {
        let pki = try TestPKI()
        let identity = try TLSIdentity.load(certificateFile: pki.file("server.pem"), keyFile: pki.file("server.key"))
        var serverConfiguration = TLSConfiguration.outpostServer(identity: identity)
        serverConfiguration.maximumTLSVersion = .tlsv12
        let platformSettings = PlatformSettings(
            tls: try NIOSSLContext(configuration: serverConfiguration), appKeys: [SecretValue(PlatformUnderTest.appKey)],
            adminToken: SecretValue("t"))
        let platform = try PlatformServer(settings: platformSettings, logger: testLogger("test.platform"))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await platform.run() }
            let port = try await platform.addresses().alwaysOnPort
            var settings = try UplinkSettings.forTest(pki, port: port, clientCertificate: nil, clientKey: nil)
            var clientConfiguration = TLSConfiguration.outpostClient(verification: .noHostnameVerification)
            clientConfiguration.minimumTLSVersion = .tlsv13
            clientConfiguration.trustRoots = .certificates([])
            settings.tls = UplinkSettings.TLS(
                context: try NIOSSLContext(configuration: clientConfiguration), trust: settings.tls!.trust,
                presentsClientCertificate: false)
            let error = try await withUplink(settings) { uplink in
                try await waitFor(uplink, "an error") { $0.lastError != nil }.lastError
            }
            platform.shutdown()
            try await group.waitForAll()
            #expect(error?.code == .protocolMismatch, "\(String(describing: error))")
            #expect(error?.message.contains("TLS") == true)
        }
    }
}
