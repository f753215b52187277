import ArgumentParser
import Foundation
import OutpostTLS

extension Outpost.Cert {
    /// `outpost cert inspect`: what is in a certificate file.
    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "inspect",
            abstract: "Show subject, issuer, names, validity and fingerprint of each certificate in a file.",
            discussion: """
                For every certificate in each FILE (a chain, a CA bundle, or a merged key-and-certificate \
                file; other blocks and text are skipped) prints the subject and issuer, subject \
                alternative names, validity period and days left, serial number, key type, whether it is \
                a CA, and the SHA-256 fingerprint in the colon-separated form `openssl x509 -fingerprint \
                -sha256` prints. Expired certificates are shown, not refused.

                With --json, prints one JSON array with an object per certificate.
                """
        )

        @Flag(name: .long, help: "Print a JSON array instead of text.")
        var json = false

        @Argument(help: ArgumentHelp("PEM files holding certificates.", valueName: "FILE"))
        var files: [String]

        func validate() throws {
            if files.isEmpty { throw ValidationError("give at least one FILE") }
        }

        func run() async throws {
            try Outpost.StandardStreams.reportingErrors {
                var entries: [(path: String, summary: CertificateSummary)] = []
                for path in files {
                    for certificate in try PEMCertificate.load(path) { entries.append((path, certificate.summary)) }
                }
                let now = Date()
                if json {
                    print(try Self.json(entries.map { Entry($0.summary, file: $0.path, now: now) }))
                } else {
                    for (index, entry) in entries.enumerated() {
                        if index > 0 { print("") }
                        print(Self.text(entry.summary, file: entry.path, index: index + 1, of: entries.count, now: now))
                    }
                }
            }
        }

        static func text(_ summary: CertificateSummary, file: String, index: Int, of count: Int, now: Date) -> String {
            let days = summary.daysLeft(at: now)
            let state =
                now < summary.notBefore
                ? "not valid yet"
                : days < 0 ? "expired \(-days) days ago" : "\(days) days left"
            let names = summary.subjectAlternativeNames.isEmpty ? "(none)" : summary.subjectAlternativeNames.joined(separator: ", ")
            return """
                certificate \(index) of \(count) in \(file)
                  subject:     \(summary.subject)
                  issuer:      \(summary.issuer)\(summary.isSelfIssued ? " (self-issued)" : "")
                  SANs:        \(names)
                  not before:  \(TLSDate.text(summary.notBefore))
                  not after:   \(TLSDate.text(summary.notAfter)) (\(state))
                  serial:      \(summary.serialNumber)
                  public key:  \(summary.publicKey)
                  CA:          \(summary.isCertificateAuthority ? "yes" : "no")
                  SHA-256:     \(summary.sha256Fingerprint)
                """
        }

        /// The JSON shape of one certificate (snake_case keys, ISO 8601 dates).
        struct Entry: Encodable {
            var file: String
            var subject: String
            var commonName: String?
            var issuer: String
            var subjectAlternativeNames: [String]
            var notBefore: String
            var notAfter: String
            var daysLeft: Int
            var serialNumber: String
            var publicKey: String
            var isCa: Bool
            var sha256Fingerprint: String

            init(_ summary: CertificateSummary, file: String, now: Date) {
                self.file = file
                self.subject = summary.subject
                self.commonName = summary.commonName
                self.issuer = summary.issuer
                self.subjectAlternativeNames = summary.subjectAlternativeNames
                self.notBefore = TLSDate.text(summary.notBefore)
                self.notAfter = TLSDate.text(summary.notAfter)
                self.daysLeft = summary.daysLeft(at: now)
                self.serialNumber = summary.serialNumber
                self.publicKey = summary.publicKey
                self.isCa = summary.isCertificateAuthority
                self.sha256Fingerprint = summary.sha256Fingerprint
            }
        }

        static func json(_ entries: [Entry]) throws -> String {
            let encoder = JSONEncoder()
            encoder.keyEncodingStrategy = .convertToSnakeCase
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            return String(decoding: try encoder.encode(entries), as: UTF8.self)
        }
    }
}
