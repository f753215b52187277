import GRDB

/// What only the writer uses: interned property keys (thing and property name → integer key), the
/// next history sequence number, and per key the values appended since its last trim.
struct WriterState {
    var keys: [String: [String: Int64]] = [:]
    var nextKey: Int64 = 1
    var nextSeq: Int64 = 1
    var trimCounters: [Int64: Int] = [:]

    /// The keys and the next numbers as the file has them.
    static func load(_ db: Database) throws -> WriterState {
        var state = WriterState()
        for row in try Row.fetchAll(db, sql: "SELECT id, thing, property FROM property_key") {
            let id: Int64 = row[0]
            state.keys[row[1], default: [:]][row[2]] = id
            state.nextKey = max(state.nextKey, id + 1)
        }
        state.nextSeq = (try Int64.fetchOne(db, sql: "SELECT MAX(seq) FROM property_value") ?? 0) + 1
        return state
    }

    /// The key of a property, added to the file (in the caller's transaction) the first time.
    mutating func key(thing: String, property: String, db: Database) throws -> Int64 {
        if let key = keys[thing]?[property] { return key }
        let key = nextKey
        try db.execute(sql: "INSERT INTO property_key (id, thing, property) VALUES (?, ?, ?)", arguments: [key, thing, property])
        keys[thing, default: [:]][property] = key
        nextKey += 1
        return key
    }
}
