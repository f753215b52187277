import Foundation
import OutpostSecrets
import Testing

struct SealedSecretTests {
    private func keyFile() throws -> (TemporaryDirectory, SecretKeyFile) {
        let directory = try TemporaryDirectory()
        return (directory, try SecretKeyFile.loadOrCreate(at: directory.file("secret.key")))
    }

    @Test func sealThenOpen_sameKey_returnsPlaintext() throws {
        let (directory, key) = try keyFile()
        let sealed = try key.seal(SecretValue("pässwörd with spaces"))
        #expect(sealed.hasPrefix("enc:v1:"))
        #expect(!sealed.contains("pässwörd"))
        let opened = try key.open(sealed, subject: "http_server.password")
        #expect(opened.reveal() == "pässwörd with spaces")
        #expect(opened.origin == .sealed)
        withExtendedLifetime(directory) {}
    }

    @Test func seal_sameSecretTwice_givesDifferentValues() throws {
        let (directory, key) = try keyFile()
        #expect(try key.seal(SecretValue("x")) != key.seal(SecretValue("x")))
        withExtendedLifetime(directory) {}
    }

    @Test func seal_layout_isNoncePlusCiphertextPlusTag() throws {
        let (directory, key) = try keyFile()
        let sealed = try key.seal(SecretValue("12345"))
        let raw = try #require(Data(base64Encoded: String(sealed.dropFirst("enc:v1:".count))))
        #expect(raw.count == 12 + 5 + 16)
        withExtendedLifetime(directory) {}
    }

    @Test func seal_emptySecret_isRefused() throws {
        let (directory, key) = try keyFile()
        let error = #expect(throws: SecretError.self) { try key.seal(SecretValue("")) }
        #expect(error?.code == .emptySecret)
        withExtendedLifetime(directory) {}
    }

    @Test func open_tamperedCiphertext_failsWithWrongKey() throws {
        let (directory, key) = try keyFile()
        let sealed = try key.seal(SecretValue("secret"))
        var raw = try #require(Data(base64Encoded: String(sealed.dropFirst("enc:v1:".count))))
        raw[14] ^= 0x01
        let tampered = "enc:v1:" + raw.base64EncodedString()
        let error = #expect(throws: SecretError.self) { try key.open(tampered, subject: "proxy.password") }
        #expect(error?.code == .wrongKey)
        #expect(
            error?.message
                == "proxy.password could not be opened with the key file at \(key.path): it was sealed with a different key, or the value is damaged"
        )
        withExtendedLifetime(directory) {}
    }

    @Test func open_malformedBase64_failsWithMalformedValue() throws {
        let (directory, key) = try keyFile()
        let error = #expect(throws: SecretError.self) { try key.open("enc:v1:not*base64!", subject: "appKey") }
        #expect(error?.code == .malformedValue)
        #expect(error?.message.hasPrefix("appKey is not a valid sealed value") == true)
        withExtendedLifetime(directory) {}
    }

    @Test func open_tooShort_failsWithValueTooShort() throws {
        let (directory, key) = try keyFile()
        let error = #expect(throws: SecretError.self) {
            try key.open("enc:v1:" + Data(repeating: 7, count: 20).base64EncodedString(), subject: "appKey")
        }
        #expect(error?.code == .valueTooShort)
        withExtendedLifetime(directory) {}
    }

    @Test func isSealed_andIsLegacy_recognisePrefixes() {
        #expect(SealedSecret.isSealed("enc:v1:abc"))
        #expect(!SealedSecret.isSealed("AES:abc"))
        #expect(SealedSecret.isLegacy("AES:abc"))
        #expect(!SealedSecret.isSealed("plain"))
    }
}
