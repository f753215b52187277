/// What `outpost validate` prints and judges, the same for config.json and the script resource's
/// config.lua, so one report format and one exit-code rule serve both files.
public struct ConfigValidationFindings: Sendable {
    public var findings: [ConfigFinding]
    public var secrets: [ConfigSecretOccurrence]

    public init(findings: [ConfigFinding], secrets: [ConfigSecretOccurrence]) {
        self.findings = findings
        self.secrets = secrets
    }

    public var hasErrors: Bool { findings.hasErrors }
}

extension ConfigLoadResult {
    public var validationFindings: ConfigValidationFindings {
        ConfigValidationFindings(findings: findings, secrets: secrets)
    }
}
