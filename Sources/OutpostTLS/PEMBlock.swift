import Foundation

/// One `-----BEGIN LABEL----- … -----END LABEL-----` block of a PEM file.
///
/// We read the labels ourselves rather than let libcrypto guess: OpenSSL reports the same
/// "DECODER routines::unsupported" for a certificate in a key file, garbage and a truncated key,
/// while the label tells the operator exactly what is wrong.
struct PEMBlock: Sendable {
    /// The label, e.g. "CERTIFICATE", "ENCRYPTED PRIVATE KEY", "EC PRIVATE KEY".
    var label: String
    /// RFC 1421 headers inside the block (`Proc-Type`, `DEK-Info`), in order.
    var headers: [(name: String, value: String)]
    /// The base64 body without line breaks.
    var base64: String
    /// 1-based line of the BEGIN line, for messages.
    var line: Int

    static let privateKeyLabels: Set<String> = [
        "PRIVATE KEY", "ENCRYPTED PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY",
    ]
    static let certificateLabels: Set<String> = ["CERTIFICATE", "X509 CERTIFICATE"]

    var isPrivateKey: Bool { Self.privateKeyLabels.contains(label) }
    var isCertificate: Bool { Self.certificateLabels.contains(label) }

    func header(_ name: String) -> String? {
        headers.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }?.value
    }

    /// Traditional PEM encryption (`Proc-Type: 4,ENCRYPTED`) or PKCS#8 `ENCRYPTED PRIVATE KEY`.
    var isEncrypted: Bool {
        label == "ENCRYPTED PRIVATE KEY" || (header("Proc-Type")?.uppercased().contains("ENCRYPTED") ?? false)
    }

    /// The DER bytes, or nil if the body is not base64.
    var der: [UInt8]? { Data(base64Encoded: base64).map { [UInt8]($0) } }

    /// The block re-assembled as PEM text (headers kept), to hand one block alone to libcrypto.
    var pemText: String {
        var text = "-----BEGIN \(label)-----\n"
        for header in headers { text += "\(header.name): \(header.value)\n" }
        if !headers.isEmpty { text += "\n" }
        var start = base64.startIndex
        while start < base64.endIndex {
            let end = base64.index(start, offsetBy: 64, limitedBy: base64.endIndex) ?? base64.endIndex
            text += base64[start..<end] + "\n"
            start = end
        }
        return text + "-----END \(label)-----\n"
    }
}

extension PEMBlock {
    /// The result of scanning a file: its blocks, and what was wrong with the text, if anything.
    struct Scan: Sendable {
        var blocks: [PEMBlock]
        /// A BEGIN line without its END line (label, line).
        var unterminated: (label: String, line: Int)?
        /// The file looks like binary DER rather than PEM text.
        var looksLikeDER: Bool
    }

    /// Finds every PEM block; text between blocks ("Bag Attributes", "subject=", `openssl x509 -text`
    /// output) is ignored.
    static func scan(_ bytes: [UInt8]) -> Scan {
        let looksLikeDER = bytes.first == 0x30 && bytes.contains(0)
        let text = String(decoding: bytes, as: UTF8.self)
        var blocks: [PEMBlock] = []
        var current: (label: String, line: Int, headers: [(name: String, value: String)], body: String, inHeaders: Bool)?
        var lineNumber = 0
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if var block = current {
                if line.hasPrefix("-----END "), line.hasSuffix("-----") {
                    blocks.append(PEMBlock(label: block.label, headers: block.headers, base64: block.body, line: block.line))
                    current = nil
                    continue
                }
                if block.inHeaders, let colon = line.firstIndex(of: ":"), !line.isEmpty {
                    let name = line[..<colon].trimmingCharacters(in: .whitespaces)
                    let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                    block.headers.append((name, value))
                } else if line.isEmpty {
                    block.inHeaders = false
                } else {
                    block.inHeaders = false
                    block.body += line
                }
                current = block
            } else if line.hasPrefix("-----BEGIN "), line.hasSuffix("-----") {
                let label = String(line.dropFirst("-----BEGIN ".count).dropLast("-----".count))
                current = (label, lineNumber, [], "", true)
            }
        }
        let unterminated = current.map { (label: $0.label, line: $0.line) }
        return Scan(blocks: blocks, unterminated: unterminated, looksLikeDER: blocks.isEmpty && looksLikeDER)
    }
}

extension PEMBlock.Scan {
    /// "2 × CERTIFICATE, PUBLIC KEY" — what the file holds, for "no key here" messages.
    var inventory: String {
        guard !blocks.isEmpty else { return looksLikeDER ? "binary DER, not PEM text" : "no PEM blocks" }
        var counts: [(String, Int)] = []
        for block in blocks {
            if let index = counts.firstIndex(where: { $0.0 == block.label }) {
                counts[index].1 += 1
            } else {
                counts.append((block.label, 1))
            }
        }
        return counts.map { $0.1 == 1 ? $0.0 : "\($0.1) × \($0.0)" }.joined(separator: ", ")
    }
}
