import Crypto
import SwiftASN1
import X509

/// Makes certificates with new P-256 keys: self-signed, or signed by a ``CertificateAuthority``.
///
/// Leaf certificates get digitalSignature, serverAuth and clientAuth, so one certificate serves the
/// local HTTPS server and mutual TLS upstream; CAs get keyCertSign and cRLSign. `outpost cert
/// self-signed` and a future `outpost up` (a development CA plus certificates it signs) both use this.
public enum CertificateIssuer {
    /// A self-signed certificate (a leaf, or a root CA with `isCertificateAuthority`).
    public static func selfSigned(_ request: CertificateRequest) throws(TLSMaterialError) -> IssuedCertificate {
        try request.validate()
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = name(request.commonName)
        return try make(request, key: key, subject: subject, issuer: subject, signer: key, authorityKeyIdentifier: nil)
    }

    /// A certificate for a new key, signed by `authority`.
    public static func issue(
        _ request: CertificateRequest, signedBy authority: CertificateAuthority
    ) throws(TLSMaterialError) -> IssuedCertificate {
        try request.validate()
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let authorityKeyIdentifier =
            (try? authority.certificate.extensions.subjectKeyIdentifier)?.keyIdentifier
            ?? SubjectKeyIdentifier(hash: authority.certificate.publicKey).keyIdentifier
        return try make(
            request, key: key, subject: name(request.commonName), issuer: authority.certificate.subject,
            signer: authority.privateKey, authorityKeyIdentifier: authorityKeyIdentifier)
    }

    private static func name(_ commonName: String) -> DistinguishedName {
        DistinguishedName([RelativeDistinguishedName(.init(type: .RDNAttributeType.commonName, utf8String: commonName))])
    }

    private static func make(
        _ request: CertificateRequest, key: Certificate.PrivateKey, subject: DistinguishedName,
        issuer: DistinguishedName, signer: Certificate.PrivateKey, authorityKeyIdentifier: ArraySlice<UInt8>?
    ) throws(TLSMaterialError) -> IssuedCertificate {
        do {
            let extensions = try Certificate.Extensions(
                extensionList(request, publicKey: key.publicKey, authorityKeyIdentifier: authorityKeyIdentifier))
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: request.notBefore,
                notValidAfter: request.notAfter,
                issuer: issuer,
                subject: subject,
                extensions: extensions,
                issuerPrivateKey: signer)
            return try IssuedCertificate(certificate: certificate, privateKey: key)
        } catch let error as TLSMaterialError {
            throw error
        } catch {
            throw TLSMaterialError(.generationFailed, "cannot build the certificate for \(request.commonName): \(error)")
        }
    }

    private static func extensionList(
        _ request: CertificateRequest, publicKey: Certificate.PublicKey, authorityKeyIdentifier: ArraySlice<UInt8>?
    ) throws -> [Certificate.Extension] {
        var list: [Certificate.Extension] = []
        if request.isCertificateAuthority {
            list.append(try Certificate.Extension(BasicConstraints.isCertificateAuthority(maxPathLength: nil), critical: true))
            list.append(
                try Certificate.Extension(KeyUsage(digitalSignature: true, keyCertSign: true, cRLSign: true), critical: true))
        } else {
            list.append(try Certificate.Extension(BasicConstraints.notCertificateAuthority, critical: true))
            list.append(try Certificate.Extension(KeyUsage(digitalSignature: true), critical: true))
            list.append(try Certificate.Extension(ExtendedKeyUsage([.serverAuth, .clientAuth]), critical: false))
        }
        let names = request.effectiveAlternativeNames
        if !names.isEmpty {
            var generalNames: [GeneralName] = []
            for name in names {
                switch name {
                case .dns(let host): generalNames.append(.dnsName(host))
                case .ip(let address):
                    guard let bytes = CertificateRequest.AlternativeName.ipAddressBytes(address) else {
                        throw TLSMaterialError(.invalidRequest, "SAN IP:\(address) is not an IP address")
                    }
                    generalNames.append(.ipAddress(.init(contentBytes: ArraySlice(bytes))))
                }
            }
            list.append(try Certificate.Extension(SubjectAlternativeNames(generalNames), critical: false))
        }
        list.append(try Certificate.Extension(SubjectKeyIdentifier(hash: publicKey), critical: false))
        if let authorityKeyIdentifier {
            list.append(
                try Certificate.Extension(AuthorityKeyIdentifier(keyIdentifier: authorityKeyIdentifier), critical: false))
        }
        return list
    }
}
