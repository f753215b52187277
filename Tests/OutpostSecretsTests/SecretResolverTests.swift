import Foundation
import OutpostSecrets
import Testing

struct SecretResolverTests {
    @Test func resolve_plainValue_returnsItMarkedPlain() throws {
        let resolver = SecretResolver(keyFilePath: "/nonexistent/secret.key")
        let value = try resolver.resolve("hunter2", key: "http_server.password")
        #expect(value.reveal() == "hunter2")
        #expect(value.origin == .plain)
    }

    @Test func resolve_sealedValue_opensWithKeyFile() throws {
        let directory = try TemporaryDirectory()
        let keyFile = try SecretKeyFile.loadOrCreate(at: directory.file("secret.key"))
        let sealed = try keyFile.seal(SecretValue("app-key-guid"))
        let value = try SecretResolver(keyFilePath: keyFile.path).resolve(sealed, key: "appKey")
        #expect(value.reveal() == "app-key-guid")
        #expect(value.origin == .sealed)
    }

    @Test func resolve_sealedValueWithOtherKeyFile_failsWithWrongKeyNamingConfigKey() throws {
        let directory = try TemporaryDirectory()
        let sealed = try SecretKeyFile.loadOrCreate(at: directory.file("a.key")).seal(SecretValue("x"))
        let other = try SecretKeyFile.loadOrCreate(at: directory.file("b.key"))
        let error = #expect(throws: SecretError.self) {
            try SecretResolver(keyFilePath: other.path).resolve(sealed, key: "http_server.password")
        }
        #expect(error?.code == .wrongKey)
        #expect(error?.message.hasPrefix("http_server.password could not be opened with the key file at \(other.path)") == true)
    }

    @Test func resolve_sealedValueWithoutKeyFile_failsWithKeyFileMissing() throws {
        let directory = try TemporaryDirectory()
        let sealed = try SecretKeyFile.loadOrCreate(at: directory.file("a.key")).seal(SecretValue("x"))
        let missing = directory.file("missing.key")
        let error = #expect(throws: SecretError.self) {
            try SecretResolver(keyFilePath: missing).resolve(sealed, key: "proxy.password")
        }
        #expect(error?.code == .keyFileMissing)
        #expect(error?.message.contains("proxy.password was sealed with a key file that is not at \(missing)") == true)
    }

    @Test func resolve_malformedSealedValueWithoutKeyFile_reportsMalformedFirst() throws {
        let error = #expect(throws: SecretError.self) {
            try SecretResolver(keyFilePath: "/nonexistent").resolve("enc:v1:***", key: "appKey")
        }
        #expect(error?.code == .malformedValue)
    }

    @Test func resolve_legacyAESValue_failsWithNotPortableAdvice() {
        let error = #expect(throws: SecretError.self) {
            try SecretResolver(keyFilePath: "/nonexistent").resolve("AES:q1w2e3r4t5y6u7i8o9p0aa==", key: "appKey")
        }
        #expect(error?.code == .legacyAES)
        #expect(error?.message.contains("appKey") == true)
        #expect(error?.message.contains("not portable") == true)
        #expect(error?.message.contains("outpost secret encrypt") == true)
    }

    @Test func resolve_empty_isEmptyPlain() throws {
        let value = try SecretResolver(keyFilePath: "/nonexistent").resolve("", key: "proxy.password")
        #expect(value.isEmpty)
    }

    @Test func init_fromEnvironment_usesOutpostSecretKeyFile() throws {
        let resolver = try SecretResolver(environment: ["OUTPOST_SECRET_KEY_FILE": "/etc/outpost/secret.key"])
        #expect(resolver.keyFilePath == "/etc/outpost/secret.key")
    }
}
