/// The body of an AUTH message (`alwayson.md` §3.3): a list of claims. The C SDK sends one claim,
/// `appKey`.
public struct AuthBody: Sendable, Hashable {
    public struct Claim: Sendable, Hashable {
        public var name: String
        public var value: String

        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// At most 255 (the count is one byte).
    public var claims: [Claim]

    public init(claims: [Claim]) {
        self.claims = claims
    }

    /// The one-claim body the C SDK sends.
    public init(appKey: String) {
        self.claims = [Claim(name: "appKey", value: appKey)]
    }

    /// The value of the first `appKey` claim.
    public var appKey: String? {
        claims.first { $0.name == "appKey" }?.value
    }
}
