extension PlatformConfig {
    /// Reads `platform.json` bytes. Never throws: every problem comes back as a finding, as with
    /// ``EMSConfig/load(_:notYetUsed:)``. Plain-text secrets are warned about.
    public static func load(_ bytes: [UInt8]) -> ConfigLoadResult<PlatformConfig> {
        let document: JSONNode
        do {
            document = try JSONParser.parse(bytes)
        } catch {
            return ConfigLoadResult(
                config: nil,
                findings: [ConfigFinding(.error, .syntax, path: "", error.message, at: error.position)],
                presentKeys: [:]
            )
        }
        guard case .object = document.value else {
            return ConfigLoadResult(
                config: nil,
                findings: [ConfigFinding(.error, .type, path: "", "the top level must be a JSON object { … }, got \(document.typeName)", at: document.position)],
                presentKeys: [:]
            )
        }
        var decoder = ConfigDecoder()
        let config = PlatformConfig.decode(document, at: .root, decoder: &decoder) ?? PlatformConfig()
        var findings = decoder.findings
        for secret in decoder.secrets where secret.form == .plain {
            findings.append(ConfigFinding(
                .warning, .plaintextSecret, path: secret.path.description,
                "is stored in plain text; seal it with `outpost secret encrypt`", at: secret.position))
        }
        for secret in decoder.secrets where secret.form == .legacyAES {
            findings.append(ConfigFinding(
                .error, .unsupported, path: secret.path.description,
                "AES: values of the original EMS cannot be opened; re-seal the value with `outpost secret encrypt`",
                at: secret.position))
        }
        return ConfigLoadResult(config: config, findings: findings.inFileOrder, presentKeys: decoder.presentKeys)
    }

    public static func load(_ text: String) -> ConfigLoadResult<PlatformConfig> {
        load(Array(text.utf8))
    }
}

extension ConfigField {
    /// A list of secrets (`app_keys`): each plain text or `enc:v1:`.
    static func secretList(_ key: String, _ keyPath: WritableKeyPath<Model, [ConfigSecret]>, _ summary: String) -> Self {
        ConfigField(
            key: key, summary: summary, isSecret: true,
            schema: { _ in
                [
                    ("type", .string("array")),
                    ("items", .object([("type", .string("string"))])),
                    ("description", .string(summary + " Each plain text or an `enc:v1:` value from `outpost secret encrypt`.")),
                ]
            },
            decode: { model, node, path, decoder in
                guard case .array(let items) = node.value else {
                    decoder.typeMismatch(path, expected: "an array of strings", got: node, secret: true)
                    return
                }
                var values: [ConfigSecret] = []
                for (index, item) in items.enumerated() {
                    let itemPath = path.appending(index: index)
                    guard let text = decoder.readString(item, itemPath, secret: true) else { continue }
                    let secret = ConfigSecret(text)
                    if !secret.isEmpty { decoder.recordSecret(itemPath, secret, at: item.position) }
                    values.append(secret)
                }
                model[keyPath: keyPath] = values
            }
        )
    }
}
