import Foundation
import OutpostSecrets
import OutpostTLS

/// The development PKI of `outpost up`: a CA and the four certificates it signs, with file names the
/// repository's config.json, config.lua and platform.json refer to (under `.outpost/pki/`). Each key
/// is an encrypted PKCS#8 file with its own passphrase from ``UpSecrets``.
///
/// Made in a scratch directory and renamed into place in one step, so an interrupted first run never
/// leaves half a PKI behind; later runs check that every key still opens and matches its certificate.
struct DemoPKI: Sendable {
    /// One certificate and its key.
    struct Leaf: Sendable {
        let certificateFile: String
        let keyFile: String
        let commonName: String
        let passphrase: UpSecrets.Name
    }

    let directory: String

    var caCertificate: String { directory + "/ca.pem" }
    var caKey: String { directory + "/ca.key.p8" }
    /// The platform's AlwaysOn server certificate.
    var platform: Leaf { Leaf(certificateFile: directory + "/platform.pem", keyFile: directory + "/platform.key", commonName: "Outpost demo platform", passphrase: .platformKeyPassphrase) }
    /// The EMS's HTTPS certificate.
    var emsServer: Leaf { Leaf(certificateFile: directory + "/ems-server.pem", keyFile: directory + "/ems-server.key.p8", commonName: "Outpost demo EMS", passphrase: .emsServerKeyPassphrase) }
    /// The certificate the EMS presents to the platform (mutual TLS).
    var emsClient: Leaf { Leaf(certificateFile: directory + "/ems-client.pem", keyFile: directory + "/ems-client.key.p8", commonName: "outpost-ems", passphrase: .emsClientKeyPassphrase) }
    /// The LSR's callback listener certificate.
    var lsrServer: Leaf { Leaf(certificateFile: directory + "/lsr-server.pem", keyFile: directory + "/lsr-server.key.p8", commonName: "Outpost demo LSR", passphrase: .lsrKeyPassphrase) }

    var leaves: [Leaf] { [platform, emsServer, emsClient, lsrServer] }

    /// Every loopback name a local client may use.
    static let loopbackNames: [CertificateRequest.AlternativeName] = [.dns("localhost"), .ip("127.0.0.1"), .ip("::1")]

    /// Checks the existing PKI, or creates it when the directory does not exist.
    static func loadOrCreate(
        _ layout: UpLayout, secrets: UpSecrets, keyFile: SecretKeyFile
    ) throws(UpStateError) -> (DemoPKI, created: Bool) {
        let pki = DemoPKI(directory: layout.pkiDirectory)
        if FileManager.default.fileExists(atPath: pki.directory) {
            try pki.check(layout, secrets: secrets, keyFile: keyFile)
            return (pki, false)
        }
        let scratch = DemoPKI(directory: layout.path("pki.partial-\(getpid())"))
        try? FileManager.default.removeItem(atPath: scratch.directory)
        do throws(UpStateError) {
            try scratch.create(secrets: secrets, keyFile: keyFile)
            guard rename(scratch.directory, pki.directory) == 0 else {
                throw UpStateError("cannot move \(scratch.directory) to \(pki.directory): \(String(cString: strerror(errno)))")
            }
        } catch {
            try? FileManager.default.removeItem(atPath: scratch.directory)
            throw error
        }
        return (pki, true)
    }

    private func create(secrets: UpSecrets, keyFile: SecretKeyFile) throws(UpStateError) {
        do {
            let ca = try CertificateIssuer.selfSigned(
                CertificateRequest(commonName: "Outpost demo CA", days: 3650, isCertificateAuthority: true))
            try ca.write(
                certificateTo: caCertificate, privateKeyTo: caKey,
                passphrase: try secrets.open(.caKeyPassphrase, with: keyFile))
            for leaf in leaves {
                let issued = try CertificateIssuer.issue(
                    CertificateRequest(commonName: leaf.commonName, alternativeNames: Self.loopbackNames, days: 825),
                    signedBy: ca.authority)
                try issued.write(
                    certificateTo: leaf.certificateFile, privateKeyTo: leaf.keyFile,
                    passphrase: try secrets.open(leaf.passphrase, with: keyFile))
            }
        } catch let error as TLSMaterialError {
            throw UpStateError("cannot create the development PKI in \(directory): \(error.message)")
        } catch let error as UpStateError {
            throw error
        } catch {
            throw UpStateError("cannot create the development PKI in \(directory): \(error)")
        }
    }

    /// Every certificate is there, every key opens with its passphrase and matches its certificate.
    private func check(_ layout: UpLayout, secrets: UpSecrets, keyFile: SecretKeyFile) throws(UpStateError) {
        guard FileManager.default.fileExists(atPath: caCertificate) else {
            throw .damaged(caCertificate, "is missing", stateDirectory: layout.stateDirectory)
        }
        for leaf in leaves {
            for file in [leaf.certificateFile, leaf.keyFile] where !FileManager.default.fileExists(atPath: file) {
                throw .damaged(file, "is missing", stateDirectory: layout.stateDirectory)
            }
            do {
                _ = try TLSIdentity.load(
                    certificateFile: leaf.certificateFile, keyFile: leaf.keyFile,
                    passphrase: .value(try secrets.open(leaf.passphrase, with: keyFile)))
            } catch let error as TLSMaterialError {
                throw .damaged(leaf.keyFile, error.message, stateDirectory: layout.stateDirectory)
            } catch let error as UpStateError {
                throw error
            } catch {
                throw .damaged(leaf.keyFile, "\(error)", stateDirectory: layout.stateDirectory)
            }
        }
    }
}
