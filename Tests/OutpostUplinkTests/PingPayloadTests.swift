import Foundation
@testable import OutpostUplink
import Testing
import OutpostTestSupport

/// The ping text is written without Foundation's formatters; it must still be the local `HH:mm:ss` that the
/// `DateFormatter` it replaced wrote.
@Suite(.blockingWork)
struct PingPayloadTests {
    /// Hour, minute and second from Foundation's Gregorian calendar in the current time zone: an
    /// implementation independent of the `localtime_r` one under test.
    private func calendarText(_ seconds: Int) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone.current
        let parts = calendar.dateComponents([.hour, .minute, .second], from: Date(timeIntervalSince1970: Double(seconds)))
        return [parts.hour, parts.minute, parts.second].map { String(format: "%02d", $0 ?? -1) }.joined(separator: ":")
    }

    @Test(arguments: [0, 59, 3_599, 43_261, 86_399, 1_700_000_000, 1_790_000_123])
    func clockText_isLocalHoursMinutesSeconds(seconds: Int) {
        let text = PingPayload.clockText(secondsSinceEpoch: seconds)
        #expect(text.utf8.count == 8)
        #expect(text == calendarText(seconds))
    }

    @Test func now_isTheCurrentLocalTime() {
        let before = Int(Date().timeIntervalSince1970)
        let text = PingPayload.now()
        let after = Int(Date().timeIntervalSince1970)
        #expect([calendarText(before), calendarText(after)].contains(text))
    }
}
