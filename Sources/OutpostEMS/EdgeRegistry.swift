import NIOConcurrencyHelpers

/// The binding list: names the EMS answers for, with their endpoints and reachability.
public final class EdgeRegistry: Sendable {
    private struct Entry: Sendable {
        var binding: EdgeBinding
        /// Consecutive failed probes.
        var failures = 0
        /// Unbound upstream because the endpoint stayed unreachable.
        var suspended = false
    }

    private let entries = NIOLockedValueBox<[String: Entry]>([:])
    private let order = NIOLockedValueBox<[String]>([])

    public init(_ bindings: [EdgeBinding] = []) {
        for binding in bindings { upsert(binding) }
    }

    /// Adds or replaces; true when the name was already present.
    @discardableResult
    public func upsert(_ binding: EdgeBinding) -> Bool {
        let existed = entries.withLockedValue { entries in
            let existed = entries[binding.name] != nil
            entries[binding.name] = Entry(binding: binding)
            return existed
        }
        if !existed { order.withLockedValue { $0.append(binding.name) } }
        return existed
    }

    @discardableResult
    public func remove(_ name: String) -> EdgeBinding? {
        let removed = entries.withLockedValue { $0.removeValue(forKey: name) }
        if removed != nil { order.withLockedValue { $0.removeAll { $0 == name } } }
        return removed?.binding
    }

    public func binding(_ name: String) -> EdgeBinding? {
        entries.withLockedValue { $0[name]?.binding }
    }

    public func contains(_ name: String) -> Bool { binding(name) != nil }

    /// Every binding in registration order.
    public var all: [EdgeBinding] {
        let names = order.withLockedValue { $0 }
        return entries.withLockedValue { entries in names.compactMap { entries[$0]?.binding } }
    }

    /// Whether `name` is answered locally like `LocalEms`.
    public func isLocal(_ name: String) -> Bool {
        name == "LocalEms" || (binding(name)?.gateway ?? false)
    }

    /// Records a probe result; returns `.unbind` or `.rebind` when the state flips.
    func recordProbe(_ name: String, reachable: Bool, unbindAfter threshold: Int) -> ProbeTransition? {
        entries.withLockedValue { entries in
            guard var entry = entries[name] else { return nil }
            defer { entries[name] = entry }
            if reachable {
                entry.failures = 0
                if entry.suspended {
                    entry.suspended = false
                    return .rebind
                }
                return nil
            }
            entry.failures += 1
            if !entry.suspended && entry.failures >= threshold {
                entry.suspended = true
                return .unbind
            }
            return nil
        }
    }

    func isSuspended(_ name: String) -> Bool {
        entries.withLockedValue { $0[name]?.suspended ?? false }
    }

    enum ProbeTransition: Sendable, Equatable {
        case unbind
        case rebind
    }
}
