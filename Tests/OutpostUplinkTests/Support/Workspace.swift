import OutpostTestSupport

extension Workspace {
    /// A workspace for the uplink tests; certificates are valid 30 days unless a test says otherwise.
    convenience init() throws {
        try self.init(prefix: "outpost-uplink", validityDays: 30)
    }
}
