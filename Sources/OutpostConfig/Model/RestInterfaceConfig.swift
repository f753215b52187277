/// `rest_interface`: undocumented in the guide; the original reads `restart` from it.
public struct RestInterfaceConfig: ConfigSection {
    public enum RestartPolicy: String, Sendable, CaseIterable {
        /// Any authenticated caller may call `Restart`.
        case any
        /// Only callers on the loopback interface.
        case local
    }

    public var restart: RestartPolicy = .local

    public init() {}

    public static let summary = "Who may call the Restart service."

    public static var fields: [ConfigField<RestInterfaceConfig>] {
        [.choice("restart", \.restart, "\"local\": only loopback callers may restart; \"any\": every authenticated caller.")]
    }
}
