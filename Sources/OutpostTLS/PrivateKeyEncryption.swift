import SwiftASN1

/// Names the scheme an encrypted key uses, for messages such as "encrypted with PBES2 (scrypt,
/// aes-256-cbc), which is not supported".
///
/// Read with swift-asn1 from the key's own bytes, so the name is right even when libcrypto only says
/// "unsupported". Unknown object identifiers are shown dotted.
enum PrivateKeyEncryption {
    /// Describes an `ENCRYPTED PRIVATE KEY` (PKCS#8 EncryptedPrivateKeyInfo) from its DER.
    static func describe(encryptedPKCS8 der: [UInt8]) -> String? {
        guard let root = try? DER.parse(der), let algorithm = children(root).first else { return nil }
        return describe(algorithmIdentifier: algorithm)
    }

    /// Describes a traditional encrypted PEM block from its `DEK-Info` header ("AES-256-CBC,<iv>").
    static func describe(dekInfo: String?) -> String {
        guard let dekInfo, let cipher = dekInfo.split(separator: ",").first else { return "traditional PEM encryption" }
        return "traditional PEM encryption (\(cipher.lowercased()))"
    }

    private static func describe(algorithmIdentifier node: ASN1Node) -> String? {
        let parts = children(node)
        guard let oid = parts.first.flatMap(objectIdentifier) else { return nil }
        guard oid == pbes2, parts.count > 1 else { return name(of: oid) }
        let parameters = children(parts[1])
        guard parameters.count == 2 else { return "PBES2" }
        let kdf = children(parameters[0])
        let cipher = children(parameters[1]).first.flatMap(objectIdentifier).map(name(of:)) ?? "unknown cipher"
        guard let kdfOID = kdf.first.flatMap(objectIdentifier) else { return "PBES2 (\(cipher))" }
        if kdfOID == pbkdf2 {
            var prf = "hmacWithSHA1"
            if kdf.count > 1 {
                for field in children(kdf[1]) where field.identifier == .sequence {
                    if let prfOID = children(field).first.flatMap(objectIdentifier) { prf = name(of: prfOID) }
                }
            }
            return "PBES2 (PBKDF2 \(prf), \(cipher))"
        }
        return "PBES2 (\(name(of: kdfOID)), \(cipher))"
    }

    private static func children(_ node: ASN1Node) -> [ASN1Node] {
        if case .constructed(let nodes) = node.content { return Array(nodes) }
        return []
    }

    private static func objectIdentifier(_ node: ASN1Node) -> String? {
        guard node.identifier == .objectIdentifier, let oid = try? ASN1ObjectIdentifier(derEncoded: node) else {
            return nil
        }
        return oid.description
    }

    private static let pbes2 = "1.2.840.113549.1.5.13"
    private static let pbkdf2 = "1.2.840.113549.1.5.12"

    private static func name(of oid: String) -> String { names[oid] ?? oid }

    private static let names: [String: String] = [
        "1.2.840.113549.1.5.13": "PBES2",
        "1.2.840.113549.1.5.12": "PBKDF2",
        "1.3.6.1.4.1.11591.4.11": "scrypt",
        "1.2.840.113549.2.7": "hmacWithSHA1",
        "1.2.840.113549.2.8": "hmacWithSHA224",
        "1.2.840.113549.2.9": "hmacWithSHA256",
        "1.2.840.113549.2.10": "hmacWithSHA384",
        "1.2.840.113549.2.11": "hmacWithSHA512",
        "1.2.840.113549.2.12": "hmacWithSHA512-224",
        "1.2.840.113549.2.13": "hmacWithSHA512-256",
        "2.16.840.1.101.3.4.1.2": "aes-128-cbc",
        "2.16.840.1.101.3.4.1.22": "aes-192-cbc",
        "2.16.840.1.101.3.4.1.42": "aes-256-cbc",
        "1.2.840.113549.3.7": "des-ede3-cbc",
        "1.3.14.3.2.7": "des-cbc",
        "1.2.840.113549.3.2": "rc2-cbc",
        "1.2.410.200004.1.4": "seed-cbc",
        "1.2.392.200011.61.1.1.1.2": "camellia-128-cbc",
        "1.2.392.200011.61.1.1.1.4": "camellia-256-cbc",
        "1.2.840.113549.1.5.1": "pbeWithMD2AndDES-CBC",
        "1.2.840.113549.1.5.3": "pbeWithMD5AndDES-CBC",
        "1.2.840.113549.1.5.4": "pbeWithMD2AndRC2-CBC",
        "1.2.840.113549.1.5.6": "pbeWithMD5AndRC2-CBC",
        "1.2.840.113549.1.5.10": "pbeWithSHA1AndDES-CBC",
        "1.2.840.113549.1.5.11": "pbeWithSHA1AndRC2-CBC",
        "1.2.840.113549.1.12.1.1": "pbeWithSHA1And128BitRC4",
        "1.2.840.113549.1.12.1.2": "pbeWithSHA1And40BitRC4",
        "1.2.840.113549.1.12.1.3": "pbeWithSHA1And3-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.4": "pbeWithSHA1And2-KeyTripleDES-CBC",
        "1.2.840.113549.1.12.1.5": "pbeWithSHA1And128BitRC2-CBC",
        "1.2.840.113549.1.12.1.6": "pbeWithSHA1And40BitRC2-CBC",
    ]
}
