import Foundation
@testable import OutpostUplink
import OutpostWire
import Testing
import OutpostTestSupport

/// Pieces of the uplink that need no socket.
@Suite(.blockingWork)
struct UplinkUnitTests {
    @Test func upgradeRequest_matchesTheOriginalByteForByte_exceptHostPort() {
        let request = WebSocketUpgradeRequest(
            path: "/Thingworx/WS", host: "127.0.0.1", port: 8443, isTLS: true, maxFrameSize: 8192,
            appKey: "00000000-0000-0000-0000-000000000000", key: "uy9tuokwxOcBA7jP+WOXYA==")
        let expected =
            "GET /Thingworx/WS HTTP/1.1\r\nUser-Agent: ThingWorx C SDK\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Host: 127.0.0.1:8443\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: uy9tuokwxOcBA7jP+WOXYA==\r\n"
            + "Max-Frame-Size: 8192\r\nappKey: 00000000-0000-0000-0000-000000000000\r\n\r\n"
        #expect(String(decoding: request.bytes, as: UTF8.self) == expected)
        let defaultPort = WebSocketUpgradeRequest(
            path: "/", host: "platform.example", port: 443, isTLS: true, maxFrameSize: 8192, appKey: "k", key: "x")
        #expect(defaultPort.hostHeader == "platform.example")
    }

    @Test func upgradeResponse_acceptKeyIsChecked() {
        let request = WebSocketUpgradeRequest(
            path: "/Thingworx/WS", host: "h", port: 80, isTLS: false, maxFrameSize: 8192, appKey: "k",
            key: "dGhlIHNhbXBsZSBub25jZQ==")
        #expect(request.expectedAccept == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        let good = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
        #expect(request.problem(withResponse: good) == nil)
        let wrong = good.replacingOccurrences(of: "s3pP", with: "AAAA")
        #expect(request.problem(withResponse: wrong)?.contains("Keys don't match") == true)
        #expect(request.problem(withResponse: "HTTP/1.1 404 Not Found")?.contains("resource") == true)
    }

    @Test func hostNames_matchSANsWithSingleLabelWildcards() {
        #expect(ServerTrustPolicy.matches("*.example.com", "platform.example.com"))
        #expect(!ServerTrustPolicy.matches("*.example.com", "a.b.example.com"))
        #expect(!ServerTrustPolicy.matches("*.example.com", "example.com"))
        #expect(ServerTrustPolicy.matches("localhost", "localhost"))
        #expect(HostAddress.ipBytes("127.0.0.1") == [127, 0, 0, 1])
        #expect(HostAddress.ipBytes("[::1]")?.count == 16)
        #expect(HostAddress.ipBytes("localhost") == nil)
    }

    @Test func fingerprints_normalizeWithOrWithoutColons() {
        let hex = String(repeating: "ab", count: 32)
        #expect(CertificateFingerprint.normalize(hex.uppercased()) == hex)
        #expect(CertificateFingerprint.normalize(CertificateFingerprint.display(hex)) == hex)
        #expect(CertificateFingerprint.normalize("abc") == nil)
    }

    @Test func pendingRequests_overTheLimit_failFast() async {
        let pending = PendingRequests(limit: 1)
        let error = await withTaskGroup(of: UplinkError?.self) { group -> UplinkError? in
            group.addTask {
                _ = try? await withCheckedThrowingContinuation { (first: CheckedContinuation<AlwaysOnMessage, any Error>) in
                    do { try pending.add(1, first) } catch { first.resume(throwing: error) }
                }
                return nil
            }
            while pending.count == 0 { await Task.yield() }
            let second: UplinkError? = await {
                do {
                    _ = try await withCheckedThrowingContinuation { (second: CheckedContinuation<AlwaysOnMessage, any Error>) in
                        do { try pending.add(2, second) } catch { second.resume(throwing: error) }
                    }
                    return nil
                } catch {
                    return error as? UplinkError
                }
            }()
            pending.close(with: UplinkError(.connectionClosed, "test over"))
            await group.waitForAll()
            return second
        }
        #expect(error?.code == .tooManyRequests)
        #expect(error?.message.contains("max_messages") == true)
    }
}
