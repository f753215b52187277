import Foundation
import Testing
import OutpostTestSupport

/// `outpost secret encrypt|decrypt`, run as a process.
@Suite(.blockingWork)
struct SecretCommandTests {
    @Test func encrypt_secretOnStdin_printsOnlySealedValueAndCreatesKeyFile0600() throws {
        let directory = try CLITestDirectory()
        let arguments = ["secret", "encrypt"]
        let result = try OutpostProcess.run(arguments, stdin: "hunter2-password\n", environment: directory.environment)
        #expect(result.status == 0, "\(result)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(lines.first?.hasPrefix("enc:v1:") == true)
        #expect(!result.stdout.contains("hunter2") && !result.stderr.contains("hunter2"))
        #expect(!arguments.contains { $0.contains("hunter2") })
        #expect(result.stderr.contains("created secret key file \(directory.file("secret.key"))"))
        #expect(try directory.mode(of: "secret.key") == 0o600)
    }

    @Test func decrypt_valueFromEncrypt_roundTripsThroughArgumentAndStdin() throws {
        let directory = try CLITestDirectory()
        let sealed = try OutpostProcess.run(["secret", "encrypt"], stdin: "päss word\n", environment: directory.environment)
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let fromArgument = try OutpostProcess.run(["secret", "decrypt", sealed], environment: directory.environment)
        #expect(fromArgument.status == 0, "\(fromArgument)")
        #expect(fromArgument.stdout == "päss word\n")
        let fromStdin = try OutpostProcess.run(["secret", "decrypt"], stdin: sealed + "\n", environment: directory.environment)
        #expect(fromStdin.stdout == "päss word\n")
    }

    @Test func encrypt_explicitKeyFile_winsOverEnvironment() throws {
        let directory = try CLITestDirectory()
        let explicit = directory.file("explicit/secret.key")
        let result = try OutpostProcess.run(
            ["secret", "encrypt", "--key-file", explicit], stdin: "x", environment: directory.environment)
        #expect(result.status == 0, "\(result)")
        #expect(FileManager.default.fileExists(atPath: explicit))
        #expect(!FileManager.default.fileExists(atPath: directory.file("secret.key")))
    }

    @Test func encrypt_emptyStdin_failsWithOneLine() throws {
        let directory = try CLITestDirectory()
        let result = try OutpostProcess.run(["secret", "encrypt"], stdin: "\n", environment: directory.environment)
        #expect(result.status == 1)
        #expect(result.stderrLines == ["outpost: error: no secret on stdin; refusing an empty secret"])
        #expect(result.stdout.isEmpty)
    }

    @Test func decrypt_otherKeyFile_failsNamingKeyFile() throws {
        let directory = try CLITestDirectory()
        let sealed = try OutpostProcess.run(["secret", "encrypt"], stdin: "x", environment: directory.environment).stdout
        let other = directory.file("other.key")
        _ = try OutpostProcess.run(["secret", "encrypt", "--key-file", other], stdin: "y", environment: directory.environment)
        let result = try OutpostProcess.run(["secret", "decrypt", "--key-file", other], stdin: sealed, environment: directory.environment)
        #expect(result.status == 1)
        #expect(
            result.stderrLines == [
                "outpost: error: the sealed value could not be opened with the key file at \(other): it was sealed with a different key, or the value is damaged"
            ])
    }

    @Test func decrypt_missingKeyFile_failsSayingWhereItLooked() throws {
        let directory = try CLITestDirectory()
        let sealed = try OutpostProcess.run(["secret", "encrypt"], stdin: "x", environment: directory.environment).stdout
        let missing = directory.file("missing.key")
        let result = try OutpostProcess.run(["secret", "decrypt", "--key-file", missing], stdin: sealed, environment: directory.environment)
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.hasPrefix("outpost: error: the sealed value was sealed with a key file that is not at \(missing);"))
    }

    @Test func decrypt_legacyAESValue_failsAsNotPortable() throws {
        let directory = try CLITestDirectory()
        let result = try OutpostProcess.run(
            ["secret", "decrypt", "AES:8J0Zb9n6X3o0CQmVx4kP1g=="], environment: directory.environment)
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("not portable") && result.stderr.contains("outpost secret encrypt"))
    }

    @Test func decrypt_unreadableKeyFile_failsWithPermissionDenied() throws {
        let launcher = try #require(OutpostProcess.asNobody, "setpriv is needed to drop root privileges")
        let directory = try CLITestDirectory()
        let sealed = try OutpostProcess.run(["secret", "encrypt"], stdin: "x", environment: directory.environment).stdout
        // The key file is root's with mode 0600; `nobody` gets a real EACCES.
        let result = try OutpostProcess.run(
            ["secret", "decrypt"], stdin: sealed, environment: directory.environment, launcher: launcher)
        #expect(result.status == 1, "\(result)")
        #expect(
            result.stderr.hasPrefix(
                "outpost: error: cannot read the secret key file at \(directory.file("secret.key")): Permission denied"),
            "\(result)")
    }

    @Test func help_encrypt_explainsStdinKeyFileAndEnvironment() throws {
        let result = try OutpostProcess.run(["secret", "encrypt", "--help"])
        #expect(result.status == 0)
        for phrase in ["stdin", "--key-file", "mode 0600"] { #expect(result.stdout.contains(phrase), "\(phrase)") }
        let group = try OutpostProcess.run(["secret", "--help"])
        for phrase in ["OUTPOST_SECRET_KEY_FILE", "never from the command line", "AES:"] {
            #expect(group.stdout.contains(phrase), "\(phrase)")
        }
    }
}
