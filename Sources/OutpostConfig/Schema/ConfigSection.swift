/// A group of config keys read from one JSON object (`http_server`, `ws_connection`, an `auto_bind`
/// entry, …). Conforming types declare their keys once in `fields`; decoding, unknown-key detection,
/// defaults in the JSON Schema and the key catalog are all derived from that one list, so they cannot
/// drift apart.
public protocol ConfigSection: Sendable, Equatable {
    /// The documented defaults.
    init()
    /// Every key of this group, in documentation order.
    static var fields: [ConfigField<Self>] { get }
    /// One sentence for the schema's `description`.
    static var summary: String { get }
    /// Checks that involve several keys, run after the keys are read (defaults filled in).
    mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder)
}

extension ConfigSection {
    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {}

    /// Reads an object node into a value, recording findings. Returns nil only when the node is not an
    /// object at all; otherwise every well-formed key is applied and broken ones keep their default.
    public static func decode(_ node: JSONNode, at path: ConfigPath, decoder: inout ConfigDecoder) -> Self? {
        guard case .object(let members) = node.value else {
            decoder.typeMismatch(path, expected: "an object { … }", got: node)
            return nil
        }
        var value = Self()
        let fields = Self.fields
        var firstSeen: [String: SourcePosition] = [:]
        var presentCanonical: Set<String> = []
        for member in members {
            let memberPath = path.appending(member.key)
            if let earlier = firstSeen[member.key] {
                decoder.warning(
                    .duplicateKey, memberPath,
                    "key appears twice (first at line \(earlier.line)); the last value is used",
                    at: member.keyPosition
                )
            }
            firstSeen[member.key] = member.keyPosition
            guard let field = fields.first(where: { $0.key == member.key || $0.aliases.contains(member.key) }) else {
                var message = "unknown key, ignored"
                let candidates = fields.map(\.key).filter { !firstSeen.keys.contains($0) || $0 == member.key }
                if let suggestion = EditDistance.suggestion(for: member.key, among: candidates) {
                    message += "; did you mean \"\(suggestion)\"?"
                }
                decoder.warning(.unknownKey, memberPath, message, at: member.keyPosition)
                continue
            }
            let canonicalPath = path.appending(field.key)
            presentCanonical.insert(field.key)
            decoder.markPresent(canonicalPath, at: member.keyPosition)
            field.decode(&value, member.value, canonicalPath, &decoder)
        }
        for field in fields where !presentCanonical.contains(field.key) {
            field.whenAbsent(&value, path.appending(field.key), node, &decoder)
        }
        for field in fields where field.isRequired && !presentCanonical.contains(field.key) {
            decoder.error(.missing, path.appending(field.key), "required key is missing (\(field.summary))", at: node)
        }
        value.check(at: path, node: node, decoder: &decoder)
        return value
    }
}
