import NIOConcurrencyHelpers

/// What one connection attempt learned on the way, shared between the TLS verification callback, the
/// upgrade handler and the code that turns a failure into an ``UplinkError``: BoringSSL reports a
/// refused certificate as a bare "verify failed", and a TLS 1.3 client-certificate rejection only as a
/// reset after the handshake, so the reason has to be collected where it is known.
final class AttemptDiagnostics: Sendable {
    struct Snapshot: Sendable {
        var verificationFailure: UplinkError?
        var handshakeCompleted = false
        var upgradeCompleted = false
    }

    let presentsClientCertificate: Bool
    let isTLS: Bool
    private let box = NIOLockedValueBox(Snapshot())

    init(isTLS: Bool, presentsClientCertificate: Bool) {
        self.isTLS = isTLS
        self.presentsClientCertificate = presentsClientCertificate
    }

    var snapshot: Snapshot { box.withLockedValue { $0 } }

    func recordVerificationFailure(_ error: UplinkError) {
        box.withLockedValue { $0.verificationFailure = error }
    }

    func recordHandshakeCompleted() {
        box.withLockedValue { $0.handshakeCompleted = true }
    }

    func recordUpgradeCompleted() {
        box.withLockedValue { $0.upgradeCompleted = true }
    }
}
