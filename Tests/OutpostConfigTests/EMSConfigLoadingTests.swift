import OutpostConfig
import Testing

@Suite struct EMSConfigLoadingTests {
    @Test func completeShape_loadsWithoutErrors_andKeepsEveryValue() throws {
        let result = EMSConfig.load(EMS54Fixtures.complete)
        let errors = result.findings.filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors)")
        #expect(!result.findings.contains { $0.code == .unknownKey })
        let config = try #require(result.config)
        #expect(config.wsServers == [WSServer(host: "platform.example.test", port: 80)])
        #expect(config.logger.level == .info)
        #expect(config.logger.publishLevel == .info)
        #expect(config.httpServer.ssl == false)
        #expect(config.wsConnection.encryption == WSConnectionConfig.Encryption.none)
        #expect(config.proxy?.host == "proxy.example.test")
        #expect(config.offlineMsgStore.maxSize == 65_535)
        #expect(config.certificates.certChain == ["/opt/thingworx/ca.pem", "/opt/thingworx/intermediate.pem"])
        #expect(config.certificates.validationCriteria?.caCertOrganizationalName == "PKI")
        #expect(config.autoBind.map(\.name) == ["EdgeGateway", "Pump01"])
        #expect(config.autoBind[1].callbackProtocol == .https)
        #expect(config.autoBind[0].gateway)
        #expect(config.file.maxFileSize == 8_000_000_000)
        #expect(config.file.virtualDirs.map(\.name) == ["tw", "logs"])
        #expect(config.tunnel.idleTimeout == 300_000)
    }

    @Test func completeShape_reportsTheInsecureSettingsEMSWarnsAbout() {
        let result = EMSConfig.load(EMS54Fixtures.complete)
        let insecure = Set(result.findings.filter { $0.code == .insecure }.map(\.path))
        #expect(insecure == [
            "http_server.ssl", "http_server.authenticate", "ws_connection.encryption",
            "certificates.validate", "certificates.allow_self_signed",
        ])
        let plaintext = Set(result.findings.filter { $0.code == .plaintextSecret }.map(\.path))
        #expect(plaintext == ["appKey", "http_server.password", "proxy.password", "certificates.key_passphrase", "auto_bind[1].password"])
    }

    @Test func findings_neverContainSecretValues() {
        let result = EMSConfig.load(EMS54Fixtures.complete)
        let text = result.findings.map { $0.formatted(file: "config.json") }.joined(separator: "\n")
        for secret in ["00000000-1111-2222-3333-444444444444", "proxypassword", "changeme", "luapassword"] {
            #expect(!text.contains(secret))
        }
        #expect(!"\(String(describing: result.config))".contains("changeme"))
    }

    @Test func minimalShape_takesDocumentedDefaults() throws {
        let result = EMSConfig.load(EMS54Fixtures.minimal)
        #expect(!result.hasErrors, "\(result.findings)")
        let config = try #require(result.config)
        #expect(config.resource == "/Thingworx/WS")
        #expect(config.httpServer.port == 8000)
        #expect(config.httpServer.host == "localhost")
        #expect(config.httpServer.maxClients == 15)
        #expect(config.wsConnection.pingRate == 55_000)
        #expect(config.wsConnection.msgTimeout == 5_000)
        #expect(config.wsConnection.maxFrameSize == 8_192)
        #expect(config.wsConnection.connectRetries == -1)
        #expect(config.logger.maxFileStorage == 2_000_000)
        #expect(config.certificates.allowSelfSigned == true)
        #expect(config.file.idleTimeout == 12_000)
        #expect(config.tunnel.idleTimeout == 300_000)
        #expect(config.proxy == nil)
    }

    @Test func secureShape_hasNoWarnings() {
        let result = EMSConfig.load(EMS54Fixtures.secure, notYetUsed: false)
        #expect(result.findings.isEmpty, "\(result.findings)")
    }

    @Test func defaults_areSecure() {
        let config = EMSConfig()
        #expect(config.httpServer.ssl)
        #expect(config.httpServer.authenticate)
        #expect(config.certificates.validate)
        #expect(!config.certificates.allowSelfSigned)
        #expect(config.wsConnection.encryption == .ssl)
    }

    @Test func presentKeysNotActedOn_areReportedAsAcceptedNotYetUsed() {
        let result = EMSConfig.load(EMS54Fixtures.minimal)
        let notes = result.findings.filter { $0.code == .notYetUsed }
        #expect(notes.contains { $0.path == "ws_connection.ping_rate" } == false)
        #expect(notes.contains { $0.path == "logger.level" && $0.message == "accepted, not yet used" })
        #expect(notes.allSatisfy { $0.severity == .note })
        #expect(!notes.contains { $0.path == "http_server" })
    }

    @Test func findings_comeInFileOrder() {
        let result = EMSConfig.load(EMS54Fixtures.complete)
        let positions = result.findings.compactMap(\.position)
        #expect(positions == positions.sorted())
    }
}
