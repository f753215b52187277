import NIOCore
import OutpostWire

/// Random values of every base type, InfoTables and messages, from a seed.
///
/// `regular` restricts tables to what the EMS JSON form can carry without loss: rows as long as the
/// DataShape, values of their field's declared type (or NOTHING), unique field names, finite numbers
/// and JSON text that is already compact.
struct ValueGenerator {
    var random: SeededGenerator
    var regular = false

    init(seed: UInt64, regular: Bool = false) {
        random = SeededGenerator(seed: seed)
        self.regular = regular
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }

    mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }

    mutating func string(maxLength: Int = 20) -> String {
        let pools: [[Unicode.Scalar]] = [
            Array("abcdefghijklmnopqrstuvwxyz_".unicodeScalars),
            Array("ABCXYZ0123456789 -\"\\/\t\n{}[]:,".unicodeScalars),
            ["é", "°", "ß", "中", "文", "😀", "\u{0}", "\u{7F}", "\u{FFFD}"],
        ]
        // Sometimes long enough to need the 4-byte length form.
        let length = chance(5) ? int(120...300) : int(0...maxLength)
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length {
            let pool = pools[int(0...(pools.count - 1))]
            scalars.append(pool[int(0...(pool.count - 1))])
        }
        return String(scalars)
    }

    mutating func double() -> Double {
        switch int(0...9) {
        case 0: return 0
        case 1: return -0.0
        case 2 where !regular: return [Double.nan, .infinity, -.infinity, Double(bitPattern: 0x7FF0_0000_0000_0001)][int(0...3)]
        case 3: return Double(int(-100_000...100_000))
        case 4: return Double.random(in: -1e300...1e300, using: &random)
        case 5: return Double(bitPattern: random.next() & 0x7FEF_FFFF_FFFF_FFFF)
        default: return Double.random(in: -1000...1000, using: &random)
        }
    }

    static let textualTypes = BaseType.allCases.filter { $0.isTextual }

    /// Every base type with a value encoding.
    static let encodableTypes = BaseType.allCases.filter { $0.hasValueEncoding }

    mutating func baseType() -> BaseType {
        Self.encodableTypes[int(0...(Self.encodableTypes.count - 1))]
    }

    /// A value of the given type; `depth` is the nesting level of the table holding it.
    mutating func primitive(_ type: BaseType, depth: Int) -> Primitive {
        switch type {
        case .nothing: return .nothing
        case .number: return .number(double())
        case .boolean: return .boolean(chance(50))
        case .datetime: return .datetime(Int64(bitPattern: random.next()) >> UInt64(int(0...40)))
        case .integer: return .integer(Int32(truncatingIfNeeded: Int64(bitPattern: random.next())))
        case .location: return .location(Location(latitude: double(), longitude: double(), elevation: double()))
        case .image, .blob: return .bytes(type, (0..<int(0...40)).map { _ in UInt8.random(in: 0...255, using: &random) })
        case .infoTable:
            guard depth < 4 else { return .infoTable(InfoTable()) }
            return .infoTable(infoTable(depth: depth + 1))
        case .variant:
            guard depth < 5 else { return .variant(.nothing) }
            var inner = baseType()
            if inner == .infoTable && depth >= 4 { inner = .string }
            return .variant(primitive(inner, depth: depth + 1))
        case .json, .query:
            if regular {
                let object: JSONValue = ["k": .string(string(maxLength: 5)), "n": .integer(Int64(int(0...99)))]
                return .text(type, chance(50) ? object.serialized() : string())
            }
            return .text(type, string())
        default:
            return .text(type, string())
        }
    }

    /// A value whose type is random.
    mutating func anyPrimitive(depth: Int) -> Primitive {
        primitive(baseType(), depth: depth)
    }

    /// `depth` is this table's own nesting level (1 for message parameters).
    mutating func infoTable(depth: Int = 1) -> InfoTable {
        let fieldCount = int(0...6)
        var fields: [FieldDefinition] = []
        for index in 0..<fieldCount {
            let aspects = (0..<(chance(20) ? int(1...3) : 0)).map { _ in
                Aspect(name: string(maxLength: 8), value: anyPrimitive(depth: depth))
            }
            let name = regular ? "f\(index)_\(string(maxLength: 4))" : string(maxLength: 10)
            fields.append(
                FieldDefinition(
                    name: name,
                    description: chance(30) ? string() : "",
                    baseType: chance(3) && !regular ? [.timespan, .schedule][int(0...1)] : baseType(),
                    aspects: aspects
                )
            )
        }
        var rows: [[Primitive]] = []
        for _ in 0..<int(0...4) {
            if regular {
                rows.append(fields.map { chance(10) ? .nothing : primitive($0.baseType, depth: depth) })
            } else {
                let count = chance(80) ? fieldCount : int(0...8)
                rows.append((0..<count).map { index in
                    if index < fieldCount && chance(85) && fields[index].baseType.hasValueEncoding {
                        return primitive(fields[index].baseType, depth: depth)
                    }
                    return anyPrimitive(depth: depth)
                })
            }
        }
        return InfoTable(fields: fields, rows: rows)
    }

    mutating func uint32() -> UInt32 { UInt32(truncatingIfNeeded: random.next()) }

    mutating func message() -> AlwaysOnMessage {
        let body: MessageBody
        switch int(0...6) {
        case 0:
            body = .request(
                RequestBody(
                    method: RequestMethod.allCases[int(0...3)],
                    entityType: EntityType(rawValue: UInt8(int(0...255))),
                    entityName: string(),
                    characteristic: Characteristic(rawValue: UInt8(int(0...4))),
                    target: string(),
                    headers: (0..<(chance(10) ? int(1...3) : 0)).map { _ in RequestBody.Header(name: string(), value: string()) },
                    parameters: chance(70) ? infoTable() : nil
                )
            )
        case 1:
            body = .response(
                ResponseBody(
                    status: ResponseStatus(rawValue: UInt8(int(0x40...0xFF)))!,
                    reason: chance(30) ? string() : nil,
                    content: chance(60) ? infoTable() : nil
                )
            )
        case 2:
            body = .auth(AuthBody(claims: (0..<int(0...3)).map { _ in AuthBody.Claim(name: string(), value: string()) }))
        case 3, 4:
            let bind = BindBody(
                gateway: chance(30) ? BindBody.Gateway(name: string(), type: string()) : nil,
                names: (0..<int(0...5)).map { _ in string() }
            )
            body = int(0...1) == 0 ? .bind(bind) : .unbind(bind)
        case 5:
            body = .keepAlive
        default:
            let isRequest = chance(50)
            let count = UInt16(int(1...5))
            body = .chunk(
                MultipartChunk(
                    code: isRequest ? RequestMethod.allCases[int(0...3)].code : ResponseStatus.success.code,
                    number: UInt16(int(1...Int(count))),
                    count: count,
                    chunkSize: 8192,
                    entity: isRequest ? MultipartChunk.Entity(type: .thing, name: string()) : nil,
                    data: ByteBuffer(bytes: (0..<int(0...50)).map { _ in UInt8.random(in: 0...255, using: &random) })
                )
            )
        }
        return AlwaysOnMessage(requestID: uint32(), endpointID: uint32(), sessionID: uint32(), body: body)
    }
}
