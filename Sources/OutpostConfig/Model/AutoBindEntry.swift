/// `auto_bind[]`: a thing bound at start-up (also the shape of `AddEdgeThing` input).
public struct AutoBindEntry: ConfigSection {
    public enum CallbackProtocol: String, Sendable, CaseIterable {
        case http
        case https
    }

    public var name = ""
    public var host = "localhost"
    public var port = 8001
    public var path = "/"
    public var timeout = 30_000
    public var callbackProtocol: CallbackProtocol = .http
    public var user: String?
    public var password: ConfigSecret?
    public var accept = "application/json"
    public var gateway = false
    /// CA files trusted for this thing's https callbacks (Outpost addition, as AddEdgeThing takes it).
    public var certChain: [String] = []

    public init() {}

    public static let summary = "A thing bound to the platform at start-up."

    public static var fields: [ConfigField<AutoBindEntry>] {
        [
            .string("name", \.name, "Thing name on the platform, or *IDENTIFIER.").required(),
            .string("host", \.host, "Host of the edge endpoint that answers for this thing."),
            .integer("port", \.port, in: 1...65535, "Port of that endpoint."),
            .string("path", \.path, "Prefix of the callback path; a script resource needs /scripts/Thingworx."),
            .integer("timeout", \.timeout, in: 1...Int64.max, unit: "ms", "Wait for the endpoint's answer."),
            .choice("protocol", \.callbackProtocol, "Scheme of the callbacks.").aliased("proto"),
            .optionalString("user", \.user, "Basic-auth user for the callbacks."),
            .secret("password", \.password, "Basic-auth password for the callbacks."),
            .string("accept", \.accept, "Reserved: MIME type of responses."),
            .bool("gateway", \.gateway, "Bind as an EMSGateway answered by the EMS itself (no callbacks)."),
            .stringList("cert_chain", \.certChain, "PEM file(s) of CAs trusted for this thing's https callbacks, besides the system's and certificates.cert_chain."),
        ]
    }

    public mutating func check(at path: ConfigPath, node: JSONNode, decoder: inout ConfigDecoder) {
        if name.trimmingWhitespace.isEmpty, case .object(let members) = node.value, members.contains(where: { $0.key == "name" }) {
            decoder.error(.invalid, path.appending("name"), "The input parameter 'name' is required; it must not be empty", at: node)
        }
        if !self.path.hasPrefix("/") {
            decoder.error(.invalid, path.appending("path"), "must start with '/', got \"\(self.path)\"", at: node)
        }
    }
}

extension ConfigField {
    /// Marks a field as required.
    func required() -> Self {
        ConfigField(
            key: key, aliases: aliases, summary: summary, isRequired: true, isSecret: isSecret,
            schema: schema, decode: decode, children: children, whenAbsent: whenAbsent
        )
    }
}
