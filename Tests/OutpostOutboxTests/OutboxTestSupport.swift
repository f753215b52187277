import Foundation
import Logging
import OutpostOutbox
import OutpostWire
import Synchronization

/// A temporary directory with a store file path; removed by `remove()`.
struct StoreDirectory {
    let path = NSTemporaryDirectory() + "outpost-outbox-" + UUID().uuidString

    init() throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    var file: String { path + "/outbox.sqlite" }

    func settings(_ configure: (inout OutboxSettings) -> Void = { _ in }) -> OutboxSettings {
        var settings = OutboxSettings(path: file, retryDelay: .milliseconds(5) ... .milliseconds(20))
        configure(&settings)
        return settings
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

let quietLogger: Logger = {
    var logger = Logger(label: "test.outbox")
    logger.logLevel = .critical
    return logger
}()

/// A delivery whose answers the test scripts; records what reached "the platform".
final class ScriptedDelivery: OutboxDelivery {
    private struct State {
        var connected = true
        var delivered: [RequestBody] = []
        var attempts = 0
    }

    private let state = Mutex(State())
    private let answer: @Sendable (RequestBody, Int) -> OutboxDeliveryResult

    /// `answer` gets the request and the attempt number (0-based, over all requests).
    init(answer: @escaping @Sendable (RequestBody, Int) -> OutboxDeliveryResult = { _, _ in .delivered }) {
        self.answer = answer
    }

    var isConnected: Bool { state.withLock { $0.connected } }
    func setConnected(_ value: Bool) { state.withLock { $0.connected = value } }
    var delivered: [RequestBody] { state.withLock { $0.delivered } }
    var attempts: Int { state.withLock { $0.attempts } }

    func deliver(_ request: RequestBody) async -> OutboxDeliveryResult {
        let attempt = state.withLock { state -> Int in
            defer { state.attempts += 1 }
            return state.attempts
        }
        let result = answer(request, attempt)
        if result == .delivered { state.withLock { $0.delivered.append(request) } }
        return result
    }

    /// The property values delivered for `thing`, in delivery order, from PUTs and merged pushes.
    func values(of thing: String) -> [Double] {
        delivered.filter { $0.entityName == thing }.flatMap { request -> [Double] in
            if request.target == "UpdateSubscribedPropertyValues", let values = request.parameters?.value("values")?.infoTableValue {
                let index = values.dataShape.index(of: "value") ?? 1
                return values.rows.compactMap { $0[index].doubleValue }
            }
            return request.parameters?.rows.first?.compactMap(\.doubleValue) ?? []
        }
    }
}

func put(_ thing: String, _ value: Double, property: String = "seq") -> RequestBody {
    RequestBody(method: .put, entityName: thing, characteristic: .properties, target: property, parameters: .single(property, .number(value)))
}

func event(_ thing: String, _ name: String) -> RequestBody {
    RequestBody(method: .post, entityName: thing, characteristic: .events, target: name, parameters: .single("message", .string("hi")))
}
