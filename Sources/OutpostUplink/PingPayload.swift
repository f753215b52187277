#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The application data of the uplink's WebSocket pings: the local wall-clock time as `HH:mm:ss`.
///
/// Written with `localtime_r` rather than Foundation's `DateFormatter` on purpose: a `DateFormatter` opens
/// ICU's locale, calendar, time-zone and number-format data the first time it is used, which pages in
/// megabytes of the statically linked ICU library and data in every `outpost ems` and `outpost lsr`
/// process for a string nobody parses (the platform only echoes it in the pong).
enum PingPayload {
    /// `HH:mm:ss` of `seconds` since the epoch, in the process's local time zone (as a default
    /// `DateFormatter` would write it); `00:00:00` when the C library cannot convert the time.
    static func clockText(secondsSinceEpoch seconds: Int) -> String {
        var time = time_t(seconds)
        var parts = tm()
        guard localtime_r(&time, &parts) != nil else { return "00:00:00" }
        return twoDigits(parts.tm_hour) + ":" + twoDigits(parts.tm_min) + ":" + twoDigits(parts.tm_sec)
    }

    /// The current local time as `HH:mm:ss`.
    static func now() -> String {
        clockText(secondsSinceEpoch: Int(time(nil)))
    }

    private static func twoDigits(_ value: Int32) -> String {
        value < 10 ? "0\(value)" : "\(value)"
    }
}
