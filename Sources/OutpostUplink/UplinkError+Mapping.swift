import Foundation
import NIOCore
import NIOSSL

extension UplinkError {
    /// Turns whatever NIO, NIOSSL or BoringSSL threw during a connection attempt into one clear reason.
    ///
    /// BoringSSL's reasons arrive as text inside `BoringSSLError` (e.g. `TLSV1_ALERT_UNKNOWN_CA`), so they
    /// are matched by name. A verification failure recorded by our own callback wins over the generic
    /// "verify failed" it causes. A reset or EOF right after a TLS 1.3 handshake in which we presented a
    /// certificate is the platform refusing it (`swift-notes.md` §4).
    static func mapping(_ error: any Error, diagnostics: AttemptDiagnostics, endpoint: String) -> UplinkError {
        if let error = error as? UplinkError { return error }
        let state = diagnostics.snapshot
        if let failure = state.verificationFailure { return failure }
        let text = String(describing: error)
        let upper = text.uppercased()

        if upper.contains("CERTIFICATE_REQUIRED") {
            return diagnostics.presentsClientCertificate
                ? UplinkError(.clientCertificateRejected, "\(endpoint) refused the client certificate (certificate required alert); check certificates.client_cert")
                : UplinkError(.clientCertificateRequired, "\(endpoint) requires a client certificate; set certificates.client_cert and certificates.key_file")
        }
        if state.handshakeCompleted || diagnostics.presentsClientCertificate {
            for alert in ["ALERT_UNKNOWN_CA", "ALERT_BAD_CERTIFICATE", "ALERT_CERTIFICATE_UNKNOWN", "ALERT_ACCESS_DENIED",
                "ALERT_CERTIFICATE_REVOKED", "ALERT_CERTIFICATE_EXPIRED", "ALERT_DECRYPT_ERROR", "ALERT_UNSUPPORTED_CERTIFICATE"]
            where upper.contains(alert) {
                if diagnostics.presentsClientCertificate {
                    return UplinkError(
                        .clientCertificateRejected,
                        "\(endpoint) rejected the client certificate (\(alert.lowercased())); its CA must be one the platform trusts")
                }
            }
        }
        for marker in ["PROTOCOL_VERSION", "UNSUPPORTED_PROTOCOL", "NO_SHARED_CIPHER", "NO_CIPHERS_AVAILABLE",
            "NO_SHARED_GROUP", "HANDSHAKE_FAILURE", "WRONG_VERSION_NUMBER", "NO_PROTOCOLS_AVAILABLE"]
        where upper.contains(marker) {
            if marker == "WRONG_VERSION_NUMBER" {
                return UplinkError(
                    .protocolMismatch,
                    "\(endpoint) does not speak TLS (wrong version number); if the platform listens without TLS, set ws_connection.encryption to \"none\" (development only)")
            }
            return UplinkError(
                .protocolMismatch,
                "no TLS version or cipher suite in common with \(endpoint) (\(marker.lowercased())); Outpost needs TLS 1.2+ with ECDHE AEAD suites")
        }
        if upper.contains("CERTIFICATE_VERIFY_FAILED") {
            return UplinkError(.unknownCA, "the platform's certificate at \(endpoint) failed verification: \(text)")
        }
        if state.handshakeCompleted && !state.upgradeCompleted && diagnostics.presentsClientCertificate
            && Self.isResetOrEOF(error)
        {
            return UplinkError(
                .clientCertificateRejected,
                "\(endpoint) closed the connection right after the TLS handshake: client certificate probably rejected by the platform; check that certificates.client_cert is issued by a CA the platform trusts")
        }
        if error is NIOSSLError || error is BoringSSLError {
            return UplinkError(.tlsFailed, "TLS with \(endpoint) failed: \(text)")
        }
        if error is ChannelError, case .connectTimeout = error as? ChannelError {
            return UplinkError(.connectTimeout, "connecting to \(endpoint) timed out")
        }
        if Self.isResetOrEOF(error) {
            return UplinkError(.connectionClosed, "\(endpoint) closed the connection (\(text))")
        }
        if !state.handshakeCompleted && !state.upgradeCompleted {
            return UplinkError(.connectFailed, "cannot connect to \(endpoint): \(text)")
        }
        return UplinkError(.connectionClosed, "the connection to \(endpoint) failed: \(text)")
    }

    static func isResetOrEOF(_ error: any Error) -> Bool {
        if let error = error as? IOError, [ECONNRESET, EPIPE].contains(error.errnoCode) { return true }
        if let error = error as? NIOSSLError, case .uncleanShutdown = error { return true }
        if let error = error as? ChannelError {
            switch error {
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed: return true
            default: return false
            }
        }
        if error is UpgradeClosedError { return true }
        return false
    }
}

/// The socket closed before the upgrade response arrived.
struct UpgradeClosedError: Error, CustomStringConvertible {
    var description: String { "connection closed before the WebSocket upgrade response" }
}
