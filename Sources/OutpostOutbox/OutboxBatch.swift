public import OutpostWire

/// Turns the head of a thing's queue into one message: consecutive property writes (PUTs and
/// property pushes) become one `UpdateSubscribedPropertyValues` whose `values` InfoTable has a
/// name/value/time/quality row per value (`alwayson.md` §5e), stamped with the time each write was
/// accepted; anything else is sent as it was received, alone.
public struct OutboxBatch: Sendable {
    public static let pushService = "UpdateSubscribedPropertyValues"

    /// The entries the message carries, in order.
    public var entries: [OutboxEntry]
    public var request: RequestBody

    static let valuesShape = DataShape(fields: [
        FieldDefinition(name: "name", baseType: .string),
        FieldDefinition(name: "value", baseType: .variant),
        FieldDefinition(name: "time", baseType: .datetime),
        FieldDefinition(name: "quality", baseType: .string),
    ])

    /// The first message of `queue` (non-empty, one thing, in order), within the batch limits.
    /// Entries that cannot be decoded are returned in `undecodable` for the dead letters.
    static func first(
        of queue: [OutboxEntry], maxEntries: Int, maxBytes: Int
    ) -> (batch: OutboxBatch?, undecodable: [(OutboxEntry, OutboxError)]) {
        guard let head = queue.first else { return (nil, []) }
        let request: RequestBody
        do {
            request = try head.request()
        } catch {
            return (nil, [(head, error)])
        }
        guard var rows = rows(of: request, time: head.createdMillis), maxEntries > 1 else {
            return (OutboxBatch(entries: [head], request: request), [])
        }
        var taken = [head]
        var bytes = head.size
        for entry in queue.dropFirst() {
            guard taken.count < maxEntries, bytes + entry.size <= maxBytes,
                let next = try? entry.request(), let more = Self.rows(of: next, time: entry.createdMillis)
            else { break }
            taken.append(entry)
            rows += more
            bytes += entry.size
        }
        if taken.count == 1 { return (OutboxBatch(entries: [head], request: request), []) }
        return (OutboxBatch(entries: taken, request: push(rows, like: request)), [])
    }

    /// Property writes to one thing, in order, as one `UpdateSubscribedPropertyValues` whose rows are
    /// stamped with the time each write was accepted; nil when one of them is not a property write.
    /// The EMS sends writes that wait for the same thing this way, as replay does with queued ones.
    public static func merged(_ writes: [(request: RequestBody, acceptedMillis: Int64)]) -> RequestBody? {
        guard let first = writes.first?.request else { return nil }
        var rows: [[Primitive]] = []
        for write in writes {
            guard write.request.entityName == first.entityName, let more = Self.rows(of: write.request, time: write.acceptedMillis)
            else { return nil }
            rows += more
        }
        return push(rows, like: first)
    }

    private static func push(_ rows: [[Primitive]], like request: RequestBody) -> RequestBody {
        let values = InfoTable(dataShape: valuesShape, rows: rows)
        let parameters = InfoTable(fields: [FieldDefinition(name: "values", baseType: .infoTable)], rows: [[.infoTable(values)]])
        return RequestBody(
            method: .post, entityType: request.entityType, entityName: request.entityName, characteristic: .services,
            target: pushService, parameters: parameters)
    }

    /// The name/value/time/quality rows a property write stands for; nil when it is not one.
    static func rows(of request: RequestBody, time: Int64) -> [[Primitive]]? {
        switch (request.method, request.characteristic) {
        case (.put, .properties):
            guard let table = request.parameters, table.rowCount == 1, let row = table.row(0) else { return nil }
            let fields = table.dataShape.fields
            guard fields.count == row.count, !fields.isEmpty else { return nil }
            if request.target != "*" && (fields.count != 1 || fields[0].name != request.target) { return nil }
            return zip(fields, row).map { field, value in
                [.string(field.name), .variant(Self.unwrapped(value)), .datetime(time), .string("GOOD")]
            }
        case (.post, .services) where request.target == pushService:
            guard let values = request.parameters?.value("values")?.infoTableValue else { return nil }
            let shape = values.dataShape
            guard let name = shape.index(of: "name"), let value = shape.index(of: "value") else { return nil }
            let timeIndex = shape.index(of: "time")
            let qualityIndex = shape.index(of: "quality")
            var rows: [[Primitive]] = []
            for index in 0..<values.rowCount {
                guard let row = values.row(index), row.indices.contains(name), row.indices.contains(value) else { return nil }
                var stamp = Primitive.datetime(time)
                if let timeIndex, row.indices.contains(timeIndex), case .datetime = row[timeIndex] { stamp = row[timeIndex] }
                var quality = Primitive.string("GOOD")
                if let qualityIndex, row.indices.contains(qualityIndex), row[qualityIndex].stringValue != nil { quality = row[qualityIndex] }
                rows.append([row[name], .variant(Self.unwrapped(row[value])), stamp, quality])
            }
            return rows
        default:
            return nil
        }
    }

    private static func unwrapped(_ value: Primitive) -> Primitive {
        if case .variant(let inner) = value { return inner }
        return value
    }
}
