import Foundation
import OutpostPlatform
import OutpostTLS
import OutpostUplink
import Testing
import X509
import OutpostTestSupport

/// Every TLS failure is reported with its own reason, once, in `lastError`.
@Suite(.blockingWork)
struct UplinkTLSFailureTests {
    /// Runs an uplink until its first error and returns it.
    private func firstError(_ settings: UplinkSettings) async throws -> UplinkError {
        try await withUplink(settings) { uplink in
            let state = try await waitFor(uplink, "an error") { $0.lastError != nil }
            return state.lastError!
        }
    }

    @Test func missingClientCertificate_isReportedAsRequired() async throws {
        let pki = try TestPKI()
        let error = try await withPlatform(pki) { platform in
            try await firstError(
                try .forTest(pki, port: platform.addresses.alwaysOnPort, clientCertificate: nil, clientKey: nil))
        }
        #expect(error.code == .clientCertificateRequired, "\(error)")
        #expect(error.isCredentialRejection)
        #expect(error.message.contains("client certificate"))
    }

    @Test func foreignClientCertificate_isReportedAsRejected() async throws {
        let pki = try TestPKI()
        try pki.makeForeignClient()
        let error = try await withPlatform(pki) { platform in
            try await firstError(
                try .forTest(
                    pki, port: platform.addresses.alwaysOnPort, clientCertificate: "foreign-client.pem",
                    clientKey: "foreign-client.key"))
        }
        #expect(error.code == .clientCertificateRejected, "\(error)")
        #expect(error.message.contains("client certificate"))
    }

    @Test func expiredServerCertificate_isReportedAsExpired() async throws {
        let pki = try TestPKI()
        try pki.makeExpiredServer()
        let validAt = ISO8601DateFormatter().date(from: "2019-06-01T00:00:00Z")!
        let error = try await withPlatform(pki, certificate: "expired.pem", key: "expired.key", validAt: validAt) { platform in
            try await firstError(try .forTest(pki, port: platform.addresses.alwaysOnPort))
        }
        #expect(error.code == .serverCertificateExpired, "\(error)")
        #expect(error.message.contains("server certificate"))
        #expect(error.message.contains("2020-01-01"))
    }

    @Test func serverCertificateForAnotherHost_isReportedAsHostnameMismatch() async throws {
        let pki = try TestPKI()
        try pki.makeWrongHostServer()
        let error = try await withPlatform(pki, certificate: "wrong-host.pem") { platform in
            try await firstError(try .forTest(pki, port: platform.addresses.alwaysOnPort))
        }
        #expect(error.code == .hostnameMismatch, "\(error)")
        #expect(error.message.contains("127.0.0.1"))
        #expect(error.message.contains("platform.example"))
    }

    @Test func selfSignedServerCertificate_isReportedAsUnknownCA() async throws {
        let pki = try TestPKI()
        try pki.makeUntrustedServer()
        let error = try await withPlatform(pki, certificate: "untrusted.pem", key: "untrusted.key") { platform in
            try await firstError(try .forTest(pki, port: platform.addresses.alwaysOnPort))
        }
        #expect(error.code == .unknownCA, "\(error)")
        #expect(error.message.contains("cert_chain"))
    }

    @Test func fingerprintNotInAllowList_isReportedAsMismatch() async throws {
        let pki = try TestPKI()
        try pki.makeUntrustedServer()
        let other = try #require(CertificateFingerprint.normalize(try pki.fingerprint("untrusted.pem")))
        let roots = try TrustRoots.load([pki.file("ca.pem")]).certificates.map(\.certificate)
        let error = try await withPlatform(pki) { platform in
            try await firstError(
                try .forTest(
                    pki, port: platform.addresses.alwaysOnPort,
                    trust: ServerTrustPolicy(roots: roots, fingerprints: [other])))
        }
        #expect(error.code == .fingerprintMismatch, "\(error)")
    }

    @Test func fingerprintInAllowList_withColons_connects() async throws {
        let pki = try TestPKI()
        let pinned = try #require(CertificateFingerprint.normalize(try pki.fingerprint("server.pem")))
        let roots = try TrustRoots.load([pki.file("ca.pem")]).certificates.map(\.certificate)
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(
                pki, port: platform.addresses.alwaysOnPort, trust: ServerTrustPolicy(roots: roots, fingerprints: [pinned]))
            try await withUplink(settings) { uplink in
                try await waitFor(uplink, "bound") { $0.phase == .bound }
            }
        }
    }

    @Test func wrongAppKey_opensBreaker_andBoundsAttempts() async throws {
        let pki = try TestPKI()
        let policy = FastTimings.reconnect
        // 60 s of production time at the test scale.
        let window = Duration.seconds(60) * FastTimings.scale
        try await withPlatform(pki) { platform in
            let settings = try UplinkSettings.forTest(pki, port: platform.addresses.alwaysOnPort, appKey: "wrong-key")
            try await withUplink(settings) { uplink in
                let started = ContinuousClock.now
                let state = try await waitFor(uplink, "breaker open") { $0.breakerOpen }
                #expect(state.lastError?.code == .appKeyRejected)
                #expect(state.lastError?.message.contains("app key") == true)
                let wait = try #require(state.nextAttempt).timeIntervalSince(try #require(state.lastErrorAt))
                #expect(wait >= Double(policy.credentialFailureDelay.components.seconds) - 0.05)
                // Count attempts over the window (a measurement, not synchronisation).
                try await Task.sleep(until: started + window)
                let bound = policy.maximumAttemptsWithRejectedCredentials(in: window)
                #expect(uplink.state.attempts <= bound)
                #expect(uplink.state.attempts == 1)
                #expect(!uplink.isConnected)
            }
        }
    }
}
