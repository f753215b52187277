/// Which config keys Outpost acts on today.
///
/// Every key of EMS 5.4 loads and is type-checked; the ones not listed here are reported by
/// `outpost validate` as "accepted, not yet used", so nobody believes a setting works when it does not.
/// Each component adds its keys here when it starts honouring them.
public enum ConfigKeyUsage {
    /// Generic paths (`auto_bind[].name`) of keys that have an effect.
    public static let used: Set<String> = [
        // FIPS is acted on: `true` is refused.
        "fips.enabled",
    ]

    public static func isUsed(_ genericPath: String) -> Bool {
        used.contains(genericPath)
    }
}
