/// `fips`: FIPS 140-2 mode, which Outpost does not offer.
public struct FIPSConfig: ConfigSection {
    public var enabled = false

    public init() {}

    public static let summary = "FIPS 140-2 mode (not supported by Outpost: must stay false)."

    public static var fields: [ConfigField<FIPSConfig>] {
        [.bool("enabled", \.enabled, "Enable FIPS mode. Outpost has no validated module, so true is refused.")]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if enabled {
            decoder.error(.unsupported, path.appending("enabled"), "FIPS mode is not supported by Outpost (no validated cryptographic module); set it to false", at: node)
        }
    }
}
