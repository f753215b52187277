public import Foundation

/// How dates appear in messages and CLI output: ISO 8601 in UTC, to the second ("2027-01-31T12:00:00Z"),
/// so they sort, parse, and mean the same on every machine.
public enum TLSDate {
    public static func text(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
