import OutpostTestSupport

extension Workspace {
    /// A workspace for the TLS tests; certificates are valid a year unless a test says otherwise.
    convenience init() throws {
        try self.init(prefix: "outpost-tls", validityDays: 365)
    }
}
