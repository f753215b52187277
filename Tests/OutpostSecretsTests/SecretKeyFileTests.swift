import Foundation
import OutpostSecrets
import Testing

struct SecretKeyFileTests {
    @Test func loadOrCreate_missingFile_createsMode0600InNew0700Directory() throws {
        let directory = try TemporaryDirectory()
        let keyFile = try SecretKeyFile.loadOrCreate(at: directory.file("outpost/nested/secret.key"))
        #expect(keyFile.wasCreated)
        #expect(try directory.mode(of: "outpost/nested/secret.key") == 0o600)
        #expect(try directory.mode(of: "outpost/nested") == 0o700)
        #expect(try directory.mode(of: "outpost") == 0o700)
        let text = try String(contentsOfFile: keyFile.path, encoding: .utf8)
        let keyLine = try #require(text.split(separator: "\n").first { $0.hasPrefix("outpost-secret-key:v1:") })
        #expect(Data(base64Encoded: String(keyLine.dropFirst("outpost-secret-key:v1:".count)))?.count == 32)
    }

    @Test func loadOrCreate_existingFile_keepsKey() throws {
        let directory = try TemporaryDirectory()
        let first = try SecretKeyFile.loadOrCreate(at: directory.file("secret.key"))
        let sealed = try first.seal(SecretValue("kept"))
        let second = try SecretKeyFile.loadOrCreate(at: directory.file("secret.key"))
        #expect(!second.wasCreated)
        #expect(try second.open(sealed, subject: "x").reveal() == "kept")
    }

    @Test func load_missingFile_failsWithKeyFileMissingNamingPath() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("secret.key")
        let error = #expect(throws: SecretError.self) { try SecretKeyFile.load(at: path, for: "appKey") }
        #expect(error?.code == .keyFileMissing)
        #expect(
            error?.message
                == "appKey was sealed with a key file that is not at \(path); set OUTPOST_SECRET_KEY_FILE or --key-file to the key file it was sealed with"
        )
    }

    /// A key file text that must be refused, named for the test report.
    struct BadKeyFile: Sendable, CustomTestStringConvertible {
        var testDescription: String
        var contents: String

        static let all: [BadKeyFile] = {
            let key = Data(count: 32).base64EncodedString()
            return [
                BadKeyFile(testDescription: "key too short", contents: "outpost-secret-key:v1:AAAA\n"),
                BadKeyFile(testDescription: "wrong prefix", contents: "some-other-key:v1:\(key)\n"),
                BadKeyFile(testDescription: "not base64", contents: "outpost-secret-key:v1:%%%%\n"),
                BadKeyFile(testDescription: "no key line", contents: "# only a comment\n"),
                BadKeyFile(
                    testDescription: "two key lines",
                    contents: "outpost-secret-key:v1:\(key)\noutpost-secret-key:v1:\(key)\n"),
            ]
        }()
    }

    @Test(arguments: BadKeyFile.all)
    func load_wrongFormatOrSize_failsWithKeyFileMalformed(_ bad: BadKeyFile) throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("secret.key")
        _ = FileManager.default.createFile(atPath: path, contents: Data(bad.contents.utf8), attributes: [.posixPermissions: 0o600])
        let error = #expect(throws: SecretError.self) { try SecretKeyFile.load(at: path) }
        #expect(error?.code == .keyFileMalformed)
        #expect(error?.message.contains(path) == true)
    }

    @Test func load_fileReadableByOthers_warns() throws {
        let directory = try TemporaryDirectory()
        let created = try SecretKeyFile.loadOrCreate(at: directory.file("secret.key"))
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: created.path)
        let loaded = try SecretKeyFile.load(at: created.path)
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("chmod 600") == true)
    }

    @Test func load_directoryInsteadOfFile_failsWithKeyFileUnreadable() throws {
        let directory = try TemporaryDirectory()
        let error = #expect(throws: SecretError.self) { try SecretKeyFile.load(at: directory.path) }
        #expect(error?.code == .keyFileUnreadable)
    }

    @Test func loadOrCreate_parentIsAFile_failsWithKeyFileNotCreated() throws {
        let directory = try TemporaryDirectory()
        _ = FileManager.default.createFile(atPath: directory.file("plain"), contents: Data())
        let error = #expect(throws: SecretError.self) {
            try SecretKeyFile.loadOrCreate(at: directory.file("plain/secret.key"))
        }
        #expect(error?.code == .keyFileUnreadable || error?.code == .keyFileNotCreated)
    }

    @Test func resolvePath_explicit_winsOverEnvironment() throws {
        let path = try SecretKeyFile.resolvePath(
            explicit: "/x/key", environment: ["OUTPOST_SECRET_KEY_FILE": "/env/key", "HOME": "/home/u"])
        #expect(path == "/x/key")
    }

    @Test func resolvePath_environmentVariable_winsOverDefaults() throws {
        let path = try SecretKeyFile.resolvePath(
            environment: ["OUTPOST_SECRET_KEY_FILE": "/env/key", "XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"])
        #expect(path == "/env/key")
    }

    @Test func resolvePath_xdgConfigHome_winsOverHome() throws {
        #expect(try SecretKeyFile.resolvePath(environment: ["XDG_CONFIG_HOME": "/xdg", "HOME": "/home/u"]) == "/xdg/outpost/secret.key")
    }

    @Test func resolvePath_onlyHome_usesDotConfig() throws {
        #expect(try SecretKeyFile.resolvePath(environment: ["HOME": "/home/u"]) == "/home/u/.config/outpost/secret.key")
    }

    @Test func resolvePath_nothingSet_failsWithNoKeyFileLocation() {
        let error = #expect(throws: SecretError.self) { try SecretKeyFile.resolvePath(environment: [:]) }
        #expect(error?.code == .noKeyFileLocation)
    }
}
