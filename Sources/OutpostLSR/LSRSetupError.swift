/// Why the script resource cannot start: a setting that is missing, wrong or unusable, named with the
/// `config.lua` key and what to do about it.
public struct LSRSetupError: Error, Sendable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
