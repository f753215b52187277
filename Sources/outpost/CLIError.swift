import ArgumentParser

/// A failure the operator can act on: printed as `outpost: error: MESSAGE` on stderr, exit status 1.
struct CLIError: Error, CustomStringConvertible {
    var description: String

    init(_ message: String) {
        description = message
    }
}
