/// One row of the platform's `GetPropertySubscriptions` answer: how the platform wants a property pushed.
public struct LuaPropertySubscription: Sendable, Equatable {
    public var property: String
    /// `ALWAYS`, `VALUE` or `NEVER` (`ON`/`OFF` are taken as `VALUE`).
    public var pushType: String
    public var pushThreshold: Double

    public init(property: String, pushType: String, pushThreshold: Double) {
        self.property = property
        self.pushType = pushType
        self.pushThreshold = pushThreshold
    }
}

extension LuaThing {
    /// Makes the platform's subscriptions authoritative (`ems-lsr.md` §4.5): listed properties take its
    /// push type and threshold (VALUE ones are pushed at the next scan), all others become NEVER.
    /// Returns how many properties were updated; unknown names are logged by the framework.
    @discardableResult
    public func applySubscriptions(_ subscriptions: [LuaPropertySubscription]) async throws(LuaThingError) -> Int {
        let rows: [LuaValue] = subscriptions.map { subscription in
            .table(LuaTable(fields: [
                "edgeName": .string(subscription.property),
                "pushType": .string(subscription.pushType),
                "pushThreshold": .number(subscription.pushThreshold),
            ]))
        }
        let results = try await call("thingworx.framework.applySubscriptions", [.table(LuaTable(array: rows))])
        return Int(results.first?.integerValue ?? 0)
    }
}
