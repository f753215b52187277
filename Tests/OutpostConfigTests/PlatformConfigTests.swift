import OutpostConfig
import Testing

/// platform.json: the reference platform's configuration.
struct PlatformConfigTests {
    @Test func exampleFile_loadsWithoutErrors() throws {
        let result = PlatformConfig.load(
            """
            {
              "listen": {"host": "127.0.0.1", "port": 8443},
              "tls": {"certificate": "server.pem", "private_key": "server.key", "passphrase": "enc:v1:abc", "client_ca": ".outpost/pki/ca.pem"},
              "app_keys": ["outpost-demo-app-key"],
              "admin": {"host": "127.0.0.1", "port": 8444, "token": "t"},
              "store": {"path": "things.json"},
              "subscriptions": [{"thing": "Dev1", "property": "Temp", "push_type": "VALUE", "push_threshold": 1}]
            }
            """)
        #expect(!result.hasErrors, "\(result.findings)")
        let config = try #require(result.config)
        #expect(config.listen.port == 8443)
        #expect(config.tls?.clientCA == [".outpost/pki/ca.pem"])
        #expect(config.appKeys.map(\.rawValue) == ["outpost-demo-app-key"])
        #expect(config.subscriptions.first?.pushType == .value)
        #expect(config.subscriptions.first?.pushThreshold == 1)
        // Plain-text secrets are warned about, never printed.
        #expect(result.findings.contains { $0.path == "app_keys[0]" && $0.severity == .warning })
        #expect(!result.findings.contains { $0.description.contains("outpost-demo-app-key") })
    }

    @Test func missingAppKeysAndToken_areErrors() {
        let result = PlatformConfig.load(#"{"admin": {"port": 1}}"#)
        #expect(result.hasErrors)
        #expect(result.findings.contains { $0.path == "app_keys" })
        #expect(result.findings.contains { $0.path == "admin.token" })
        #expect(result.findings.contains { $0.path == "tls" && $0.severity == .warning })
    }

    @Test func typo_isReportedWithSuggestion() {
        let result = PlatformConfig.load(#"{"app_keys": ["k"], "admin": {"token": "t", "prot": 1}}"#)
        #expect(result.findings.contains { $0.path == "admin.prot" && $0.message.contains("port") })
    }

    @Test func fingerprints_mustBeSHA256Hex() {
        let good = String(repeating: "AB:", count: 31) + "AB"
        let result = EMSConfig.load(
            """
            {"ws_servers": [{"host": "h", "port": 443}], "appKey": "k",
             "certificates": {"fingerprints": ["\(good)", "not-a-fingerprint"]}}
            """)
        #expect(result.config?.certificates.fingerprints.count == 2)
        #expect(result.findings.contains { $0.path == "certificates.fingerprints[1]" && $0.severity == .error })
        #expect(!result.findings.contains { $0.path == "certificates.fingerprints[0]" })
    }
}
