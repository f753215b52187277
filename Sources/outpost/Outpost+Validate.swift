import ArgumentParser
import Foundation
import OutpostConfig
import OutpostLua

extension Outpost {
    /// `outpost validate`: report every problem in a configuration file in one run.
    struct Validate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "validate",
            abstract: "Check a config.json for errors, insecure settings and typos.",
            discussion: """
                Reads FILE (an EMS 5.4-style config.json, or the script resource's config.lua when FILE \
                ends in .lua) and reports every problem in one run, each as \
                FILE:LINE:COLUMN: SEVERITY: PATH: MESSAGE.

                  error    the file cannot be used: JSON syntax, wrong type or range,
                           missing required key, a value Outpost cannot open
                           (such as an AES: value from the original EMS)
                  warning  the file works, but something is insecure (TLS off,
                           authentication off, certificate validation off,
                           self-signed allowed, plain-text secrets), ignored
                           (unknown key, with a suggestion) or adjusted
                  note     a key accepted but not yet used by this version

                Sealed (enc:v1:) values are opened with this install's key file to prove they can be; \
                secret values are never printed, only the key that holds them.

                Exit status: 0 when there are no errors (warnings and notes allowed), 1 otherwise.
                """
        )

        @Flag(name: .long, help: "Print the findings as one JSON object instead of text.")
        var json = false

        @Flag(name: .long, help: "Leave out the \"accepted, not yet used\" notes.")
        var noNotes = false

        @Option(name: .long, help: ArgumentHelp(
            "The secret key file that opens enc:v1: values (default: $OUTPOST_SECRET_KEY_FILE, else ~/.config/outpost/secret.key).",
            valueName: "PATH"))
        var keyFile: String?

        @Flag(name: .long, help: "Do not try to open enc:v1: values (when checking a file for another machine).")
        var skipSecrets = false

        @Flag(name: .long, help: "Print the JSON Schema of config.json (for editors) and exit.")
        var printSchema = false

        @Argument(help: ArgumentHelp("The configuration file to check.", valueName: "FILE"))
        var file: String?

        func validate() throws {
            if !printSchema && file == nil {
                throw ValidationError("Missing the FILE to check, e.g. `outpost validate config.json`.")
            }
        }

        func run() async throws {
            guard let file, !printSchema else {
                print(EMSConfig.jsonSchema(), terminator: "")
                return
            }
            let bytes: [UInt8]
            do {
                bytes = try ConfigFileReader.read(file)
            } catch {
                throw CLIError("\(error)")
            }
            // A .lua file is the script resource's config.lua (OutpostLua evaluates and judges it).
            var result = file.hasSuffix(".lua")
                ? await LuaScriptResourceEvaluator.loadForValidation(bytes, fileName: file, notes: !noNotes)
                : EMSConfig.load(bytes, notYetUsed: !noNotes).validationFindings
            if !skipSecrets {
                result.findings = (result.findings + SealedSecretCheck.findings(for: result.secrets, keyFile: keyFile)).inFileOrder
            }
            if json {
                print(ValidationReport(file: file, findings: result.findings).json())
            } else {
                for finding in result.findings {
                    print(finding.formatted(file: file))
                }
                print(ValidationReport(file: file, findings: result.findings).summaryLine)
            }
            if result.hasErrors { throw ExitCode.failure }
        }
    }
}

/// Counts and renders findings for `validate`.
struct ValidationReport {
    var file: String
    var findings: [ConfigFinding]

    func count(_ severity: ConfigFinding.Severity) -> Int {
        findings.filter { $0.severity == severity }.count
    }

    var summaryLine: String {
        let errors = count(.error)
        let warnings = count(.warning)
        let notes = count(.note)
        let verdict = errors == 0 ? "ok" : "invalid"
        return "\(file): \(verdict): \(plural(errors, "error")), \(plural(warnings, "warning")), \(plural(notes, "note"))"
    }

    func json() -> String {
        let items: [JSONOutput] = findings.map { finding in
            var members: [(String, JSONOutput)] = [
                ("severity", .string(finding.severity.rawValue)),
                ("code", .string(finding.code.rawValue)),
                ("path", .string(finding.path)),
            ]
            if let position = finding.position {
                members.append(("line", .integer(Int64(position.line))))
                members.append(("column", .integer(Int64(position.column))))
            }
            members.append(("message", .string(finding.message)))
            return .object(members)
        }
        return JSONOutput.object([
            ("file", .string(file)),
            ("valid", .bool(count(.error) == 0)),
            ("errors", .integer(Int64(count(.error)))),
            ("warnings", .integer(Int64(count(.warning)))),
            ("notes", .integer(Int64(count(.note)))),
            ("findings", .array(items)),
        ]).rendered(pretty: true)
    }

    private func plural(_ count: Int, _ word: String) -> String {
        "\(count) \(word)\(count == 1 ? "" : "s")"
    }
}
