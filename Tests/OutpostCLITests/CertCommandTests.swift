import Foundation
import Testing
import OutpostTestSupport

/// `outpost cert self-signed|inspect|check`, run as a process and checked with the openssl CLI.
@Suite(.blockingWork)
struct CertCommandTests {
    /// Runs `outpost cert self-signed` with a generated passphrase and returns that passphrase, opened
    /// with `outpost secret decrypt` and the same key file.
    private func selfSigned(_ directory: CLITestDirectory, _ arguments: [String]) throws -> String {
        let made = try OutpostProcess.run(["cert", "self-signed"] + arguments, environment: directory.environment)
        #expect(made.status == 0, "\(made)")
        let sealed = made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(sealed.hasPrefix("enc:v1:"))
        let opened = try OutpostProcess.run(["secret", "decrypt", sealed], environment: directory.environment)
        #expect(opened.status == 0, "\(opened)")
        return opened.stdout.trimmingCharacters(in: .newlines)
    }

    @Test func selfSigned_defaultPassphrase_certVerifiesAndKeyOpensWithOpenSSL() throws {
        let directory = try CLITestDirectory()
        let passphrase = try selfSigned(directory, ["--cn", "gw.local", "--san", "DNS:gw.local,IP:127.0.0.1", "--out", directory.file("tls")])
        let verify = try directory.openssl(["verify", "-CAfile", "tls/cert.pem", "tls/cert.pem"])
        #expect(verify.status == 0 && verify.stdout.contains("OK"), "\(verify)")
        let key = try directory.openssl(["pkey", "-in", "tls/key.pem", "-passin", "pass:\(passphrase)", "-noout"])
        #expect(key.status == 0, "\(key)")
        #expect(try directory.mode(of: "tls/key.pem") == 0o600)
        #expect(try String(contentsOfFile: directory.file("tls/key.pem"), encoding: .utf8).hasPrefix("-----BEGIN ENCRYPTED PRIVATE KEY-----"))
    }

    @Test func selfSigned_passphraseFromStdin_printsNothingOnStdout() throws {
        let directory = try CLITestDirectory()
        let made = try OutpostProcess.run(
            ["cert", "self-signed", "--cn", "dev", "--out", directory.file("tls"), "--passphrase-stdin", "--days", "10"],
            stdin: "chosen passphrase\n", environment: directory.environment)
        #expect(made.status == 0, "\(made)")
        #expect(made.stdout.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: directory.file("secret.key")))
        let key = try directory.openssl(["pkey", "-in", "tls/key.pem", "-passin", "pass:chosen passphrase", "-noout"])
        #expect(key.status == 0, "\(key)")
    }

    @Test func selfSigned_withCA_leafVerifiesAgainstCA() throws {
        let directory = try CLITestDirectory()
        let caPassphrase = try selfSigned(directory, ["--cn", "Dev CA", "--is-ca", "--out", directory.file("ca")])
        try directory.write("ca-pass.txt", caPassphrase + "\n")
        _ = try selfSigned(
            directory,
            [
                "--cn", "device-7", "--out", directory.file("leaf"), "--ca-cert", directory.file("ca/cert.pem"),
                "--ca-key", directory.file("ca/key.pem"), "--ca-passphrase-file", directory.file("ca-pass.txt"),
            ])
        let verify = try directory.openssl(["verify", "-purpose", "sslserver", "-CAfile", "ca/cert.pem", "leaf/cert.pem"])
        #expect(verify.status == 0 && verify.stdout.contains("leaf/cert.pem: OK"), "\(verify)")
    }

    @Test func selfSigned_existingFilesWithoutForce_failsWithOneLine() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "a", "--out", directory.file("tls")])
        let again = try OutpostProcess.run(
            ["cert", "self-signed", "--cn", "a", "--out", directory.file("tls")], environment: directory.environment)
        #expect(again.status == 1)
        #expect(again.stderrLines == ["outpost: error: \(directory.file("tls/cert.pem")) exists already; remove it or pass --force to replace it"])
        let forced = try OutpostProcess.run(
            ["cert", "self-signed", "--cn", "a", "--out", directory.file("tls"), "--force"], environment: directory.environment)
        #expect(forced.status == 0, "\(forced)")
    }

    @Test func inspect_text_showsNamesValidityAndOpenSSLFingerprint() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "inspect.me", "--san", "DNS:inspect.me,IP:10.9.8.7", "--out", directory.file("tls")])
        let result = try OutpostProcess.run(["cert", "inspect", directory.file("tls/cert.pem")])
        #expect(result.status == 0, "\(result)")
        let fingerprint = try directory.openssl(["x509", "-in", "tls/cert.pem", "-noout", "-fingerprint", "-sha256"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines).replacingOccurrences(of: "sha256 Fingerprint=", with: "")
        for expected in ["subject:     CN=inspect.me", "SANs:        DNS:inspect.me, IP:10.9.8.7", "days left)", "SHA-256:     \(fingerprint)"] {
            #expect(result.stdout.contains(expected), "\(expected) in \(result.stdout)")
        }
    }

    @Test func inspect_json_listsEachCertificate() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "One", "--out", directory.file("one")])
        _ = try selfSigned(directory, ["--cn", "Two", "--out", directory.file("two")])
        let result = try OutpostProcess.run(["cert", "inspect", "--json", directory.file("one/cert.pem"), directory.file("two/cert.pem")])
        #expect(result.status == 0, "\(result)")
        let parsed = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]]
        let entries = try #require(parsed)
        #expect(entries.map { $0["common_name"] as? String } == ["One", "Two"])
        #expect((entries[0]["days_left"] as? Int).map { (363...365).contains($0) } == true)
        #expect((entries[0]["sha256_fingerprint"] as? String)?.count == 95)
        #expect(entries[0]["subject_alternative_names"] as? [String] == ["DNS:One"])
    }

    @Test func check_matchingPair_printsOkLine() throws {
        let directory = try CLITestDirectory()
        let passphrase = try selfSigned(directory, ["--cn", "gw.local", "--out", directory.file("tls")])
        try directory.write("pass.txt", passphrase + "\n")
        let result = try OutpostProcess.run([
            "cert", "check", "--cert", directory.file("tls/cert.pem"), "--key", directory.file("tls/key.pem"),
            "--passphrase-file", directory.file("pass.txt"),
        ])
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.hasPrefix("ok: key matches certificate (gw.local, EC P-256, expires "), "\(result)")
    }

    @Test func check_passphraseFromStdinAndEnv_bothWork() throws {
        let directory = try CLITestDirectory()
        let passphrase = try selfSigned(directory, ["--cn", "gw", "--out", directory.file("tls")])
        let files = ["--cert", directory.file("tls/cert.pem"), "--key", directory.file("tls/key.pem")]
        let viaStdin = try OutpostProcess.run(["cert", "check"] + files + ["--passphrase-stdin"], stdin: passphrase + "\n")
        #expect(viaStdin.status == 0, "\(viaStdin)")
        let viaEnv = try OutpostProcess.run(
            ["cert", "check"] + files + ["--passphrase-env", "GW_KEY_PASS"], environment: ["GW_KEY_PASS": passphrase])
        #expect(viaEnv.status == 0, "\(viaEnv)")
    }

    @Test func check_wrongPassphrase_failsWithOneLine() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "gw", "--out", directory.file("tls")])
        let key = directory.file("tls/key.pem")
        let result = try OutpostProcess.run(
            ["cert", "check", "--cert", directory.file("tls/cert.pem"), "--key", key, "--passphrase-stdin"], stdin: "nope\n")
        #expect(result.status == 1)
        #expect(result.stderrLines == ["outpost: error: wrong passphrase for the private key in \(key) (PBES2 (PBKDF2 hmacWithSHA256, aes-256-cbc))"])
        #expect(result.stdout.isEmpty)
    }

    @Test func check_noPassphrase_failsSayingKeyIsEncrypted() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "gw", "--out", directory.file("tls")])
        let result = try OutpostProcess.run(
            ["cert", "check", "--cert", directory.file("tls/cert.pem"), "--key", directory.file("tls/key.pem")])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("is encrypted") && result.stderr.contains("no passphrase was given"))
    }

    @Test func check_keyOfOtherCertificate_failsWithMismatch() throws {
        let directory = try CLITestDirectory()
        try directory.write("pass.txt", "same pass\n")
        for name in ["a", "b"] {
            let made = try OutpostProcess.run(
                ["cert", "self-signed", "--cn", name, "--out", directory.file(name), "--passphrase-stdin", "--force"],
                stdin: "same pass\n", environment: directory.environment)
            #expect(made.status == 0, "\(made)")
        }
        let result = try OutpostProcess.run([
            "cert", "check", "--cert", directory.file("a/cert.pem"), "--key", directory.file("b/key.pem"),
            "--passphrase-file", directory.file("pass.txt"),
        ])
        #expect(result.status == 1)
        #expect(result.stderrLines.count == 1)
        #expect(result.stderr.contains("does not belong to the certificate"), "\(result)")
    }

    @Test func check_missingKeyFile_failsWithOneLine() throws {
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "gw", "--out", directory.file("tls")])
        let missing = directory.file("tls/missing.pem")
        let result = try OutpostProcess.run(["cert", "check", "--cert", directory.file("tls/cert.pem"), "--key", missing])
        #expect(result.status == 1)
        #expect(result.stderrLines == ["outpost: error: private key file \(missing) does not exist"])
    }

    @Test func check_keyUnreadableForUser_failsWithPermissionDenied() throws {
        let launcher = try #require(OutpostProcess.asNobody, "setpriv is needed to drop root privileges")
        let directory = try CLITestDirectory()
        _ = try selfSigned(directory, ["--cn", "gw", "--out", directory.file("tls")])
        chmod(directory.file("tls"), 0o755)
        chmod(directory.file("tls/cert.pem"), 0o644)
        let key = directory.file("tls/key.pem")
        let result = try OutpostProcess.run(
            ["cert", "check", "--cert", directory.file("tls/cert.pem"), "--key", key, "--passphrase-env", "P"],
            environment: ["P": "whatever"], launcher: launcher)
        #expect(result.status == 1, "\(result)")
        #expect(result.stderrLines.first?.hasPrefix("outpost: error: cannot read private key file \(key): permission denied") == true, "\(result)")
    }

    @Test func help_everyCertCommand_hasAbstractDiscussionAndOptionHelp() throws {
        for command in ["self-signed", "inspect", "check"] {
            let result = try OutpostProcess.run(["cert", command, "--help"])
            #expect(result.status == 0)
            #expect(result.stdout.contains("OVERVIEW:") && result.stdout.contains("OPTIONS:"), "\(command)")
        }
        let selfSignedHelp = try OutpostProcess.run(["cert", "self-signed", "--help"]).stdout
        for option in ["--cn", "--san", "--out", "--days", "--is-ca", "--ca-cert", "--ca-key", "--ca-passphrase-file", "--passphrase-stdin", "--key-file"] {
            #expect(selfSignedHelp.contains(option), "\(option)")
        }
    }
}
