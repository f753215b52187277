import NIOConcurrencyHelpers

/// The connected edges, and which one answers for each thing (the last to bind it).
public final class SessionRegistry: Sendable {
    private struct Storage {
        var sessions: [UInt64: PlatformSession] = [:]
        var owners: [String: UInt64] = [:]
        var nextID: UInt64 = 0
    }

    private let storage = NIOLockedValueBox(Storage())

    func nextID() -> UInt64 {
        storage.withLockedValue { storage in
            storage.nextID += 1
            return storage.nextID
        }
    }

    func add(_ session: PlatformSession) {
        storage.withLockedValue { $0.sessions[session.id] = session }
    }

    /// Removes a session; returns the things it owned (now offline).
    func remove(_ session: PlatformSession) -> [String] {
        storage.withLockedValue { storage in
            storage.sessions[session.id] = nil
            let owned = storage.owners.filter { $0.value == session.id }.map(\.key)
            for name in owned { storage.owners[name] = nil }
            return owned.sorted()
        }
    }

    func bind(_ names: [String], to session: PlatformSession) {
        storage.withLockedValue { storage in
            for name in names { storage.owners[name] = session.id }
        }
    }

    /// Returns the names this session owned (others may have re-bound them meanwhile).
    func unbind(_ names: [String], from session: PlatformSession) -> [String] {
        storage.withLockedValue { storage in
            var released: [String] = []
            for name in names where storage.owners[name] == session.id {
                storage.owners[name] = nil
                released.append(name)
            }
            return released
        }
    }

    /// The session that bound `thing`, if it is connected.
    public func session(for thing: String) -> PlatformSession? {
        storage.withLockedValue { storage in storage.owners[thing].flatMap { storage.sessions[$0] } }
    }

    public var sessions: [PlatformSession] {
        storage.withLockedValue { $0.sessions.values.sorted { $0.id < $1.id } }
    }
}
