extension ServerTLS.Reload {
    /// One line for the log, naming the listener; nil for ``ServerTLS/Reload/unchanged`` and
    /// ``ServerTLS/Reload/fixed``. ``isFailure`` says whether to log it as an error.
    public func message(listener: String) -> String? {
        switch self {
        case .unchanged, .fixed:
            return nil
        case .reloaded(let material):
            let leaf = material.defaultIdentity.summary
            var text = "\(listener): new TLS material in use from \(material.origin): \(leaf.displayName), serial "
                + "\(leaf.serialNumber), valid until \(TLSDate.text(leaf.notAfter))"
            if !material.selection.byName.isEmpty {
                text += "; SNI names: \(material.selection.byName.keys.sorted().joined(separator: ", "))"
            }
            text += material.clientCA == nil ? "; no client certificates requested" : "; client certificates required"
            return text
        case .rejected(let error):
            return "\(listener): new TLS material rejected, the previous certificate stays in use: \(error.message)"
        }
    }

    /// True for a rejected reload.
    public var isFailure: Bool {
        if case .rejected = self { return true }
        return false
    }
}
