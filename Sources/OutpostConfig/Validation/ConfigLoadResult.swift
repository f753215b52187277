/// The outcome of loading a configuration file: the model (when the file could be read at all) and
/// every finding, in file order.
public struct ConfigLoadResult<Config: Sendable>: Sendable {
    /// nil when the file is not JSON or its top level is not an object.
    public var config: Config?
    public var findings: [ConfigFinding]
    /// Keys present in the file, by generic path, with their position.
    public var presentKeys: [String: SourcePosition]
    /// Secret-bearing keys present in the file, so a caller with the key file can check sealed values.
    public var secrets: [ConfigSecretOccurrence] = []

    public var hasErrors: Bool { findings.hasErrors }
}
