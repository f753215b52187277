import OutpostConfig
import OutpostWire

/// Answers requests an edge sends to the platform: property reads and writes on platform things,
/// `UpdateSubscribedPropertyValues` (the property push, `alwayson.md` §4.6 and §5e),
/// `GetPropertySubscriptions` (from platform.json) and events.
struct PlatformRequestHandling {
    let store: ThingStore
    let subscriptions: [PlatformSubscription]

    func handle(_ request: RequestBody) -> ResponseBody {
        switch request.characteristic {
        case .properties:
            return property(request)
        case .services:
            return service(request)
        case .events:
            store.recordEvent(thing: request.entityName, event: request.target, data: request.parameters)
            return ResponseBody(status: .success)
        default:
            return ResponseBody(status: .notFound, reason: "unknown characteristic \(request.characteristic)")
        }
    }

    private func property(_ request: RequestBody) -> ResponseBody {
        if request.method == .put {
            guard let parameters = request.parameters else {
                return ResponseBody(status: .badRequest, reason: "a property write needs a value")
            }
            let value = parameters.value(request.target) ?? parameters.value(row: 0, column: 0) ?? .nothing
            store.recordProperty(
                thing: request.entityName, property: request.target,
                ThingStore.PropertyRecord(value: value, time: ThingStore.nowMillis()))
            return ResponseBody(status: .success)
        }
        guard let record = store.property(thing: request.entityName, request.target) else {
            return ResponseBody(status: .notFound, reason: "Property '\(request.target)' not found on \(request.entityName)")
        }
        return ResponseBody(status: .success, content: InfoTable.single(request.target, record.value))
    }

    private func service(_ request: RequestBody) -> ResponseBody {
        switch request.target {
        case "UpdateSubscribedPropertyValues":
            guard let values = request.parameters?.value("values")?.infoTableValue else {
                return ResponseBody(status: .badRequest, reason: "UpdateSubscribedPropertyValues needs a values InfoTable")
            }
            let shape = values.dataShape
            guard let nameIndex = shape.index(of: "name"), let valueIndex = shape.index(of: "value") else {
                return ResponseBody(status: .badRequest, reason: "values needs name and value fields")
            }
            let timeIndex = shape.index(of: "time")
            let qualityIndex = shape.index(of: "quality")
            // Value by value: `rows` would build an array per row of every push.
            var records: [(property: String, record: ThingStore.PropertyRecord)] = []
            records.reserveCapacity(values.rowCount)
            for row in 0..<values.rowCount {
                guard let name = values.value(row: row, column: nameIndex)?.stringValue,
                    var value = values.value(row: row, column: valueIndex)
                else { continue }
                if case .variant(let inner) = value { value = inner }
                var time = ThingStore.nowMillis()
                if let timeIndex, case .datetime(let ms) = values.value(row: row, column: timeIndex) { time = ms }
                var quality = "GOOD"
                if let qualityIndex, let text = values.value(row: row, column: qualityIndex)?.stringValue { quality = text }
                records.append((name, ThingStore.PropertyRecord(value: value, time: time, quality: quality)))
            }
            store.recordProperties(thing: request.entityName, records)
            return ResponseBody(status: .success)
        case "GetPropertySubscriptions":
            let rows = subscriptions.filter { $0.thing == request.entityName }.map { subscription -> [Primitive] in
                [.string(subscription.property), .string(subscription.pushType.rawValue), .number(subscription.pushThreshold)]
            }
            let table = InfoTable(
                fields: [
                    FieldDefinition(name: "edgeName", baseType: .string),
                    FieldDefinition(name: "pushType", baseType: .string),
                    FieldDefinition(name: "pushThreshold", baseType: .number),
                ],
                rows: rows)
            return ResponseBody(status: .success, content: table)
        default:
            return ResponseBody(status: .notFound, reason: "Service '\(request.target)' not found on \(request.entityName)")
        }
    }
}
