import Foundation

/// Writes whole lines straight to stdout or stderr (no buffering, so a reader on a pipe sees each
/// line as it happens), one `write` per line so lines of different children never interleave.
enum UpOutput {
    static func out(_ text: String) { write(1, text) }
    static func error(_ text: String) { write(2, text) }

    /// A child's line, prefixed with its name: `platform | …`.
    static func relay(_ name: String, _ line: SupervisedChild.Line) {
        let prefixed = name.padding(toLength: 8, withPad: " ", startingAt: 0) + " | " + line.text
        write(line.isError ? 2 : 1, prefixed)
    }

    /// A line from the supervisor itself.
    static func note(_ text: String) { write(2, "outpost up: " + text) }

    private static func write(_ descriptor: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        if bytes.last != UInt8(ascii: "\n") { bytes.append(UInt8(ascii: "\n")) }
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return
            }
            offset += written
        }
    }
}
