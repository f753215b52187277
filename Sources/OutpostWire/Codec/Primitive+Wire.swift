import NIOCore

extension WireReader {
    /// A typed value: type byte, then the value (§4.4).
    mutating func primitive() throws(WireError) -> Primitive {
        let typeOffset = position
        let typeByte = try byte("base type byte")
        guard let type = BaseType(rawValue: typeByte) else {
            throw WireError(
                .unknownBaseType,
                at: typeOffset,
                "\(hexByte(typeByte)) is not a base type, so the value's length is unknown"
            )
        }
        switch type {
        case .nothing:
            return .nothing
        case .number:
            return .number(Double(bitPattern: try uint64("NUMBER value")))
        case .boolean:
            return .boolean(try flag("BOOLEAN value"))
        case .datetime:
            return .datetime(Int64(bitPattern: try uint64("DATETIME value")))
        case .integer:
            return .integer(Int32(bitPattern: try uint32("INTEGER value")))
        case .location:
            let longitude = Double(bitPattern: try uint64("LOCATION longitude"))
            let latitude = Double(bitPattern: try uint64("LOCATION latitude"))
            let elevation = Double(bitPattern: try uint64("LOCATION elevation"))
            return .location(Location(latitude: latitude, longitude: longitude, elevation: elevation))
        case .infoTable:
            try enterNested(at: typeOffset)
            let table = try infoTable()
            leaveNested()
            return .infoTable(table)
        case .variant:
            try enterNested(at: typeOffset)
            let inner = try primitive()
            leaveNested()
            return .variant(inner)
        case .image, .blob:
            let lengthOffset = position
            let length = Int(try uint32("BLOB/IMAGE length"))
            return .bytes(type, try rawBytes(length, "BLOB/IMAGE value", lengthAt: lengthOffset))
        case .timespan, .schedule:
            throw WireError(
                .unsupportedBaseType,
                at: typeOffset,
                "\(type.name) values have no encoding in the AlwaysOn protocol (the C SDK rejects them too)"
            )
        default:
            return .text(type, try string("string value"))
        }
    }
}

extension WireWriter {
    /// A typed value. `depth` counts the InfoTables and VARIANTs around it.
    mutating func primitive(_ value: Primitive, depth: Int, into buffer: inout ByteBuffer) throws(WireError) {
        switch value {
        case .nothing:
            buffer.writeInteger(BaseType.nothing.rawValue)
        case .text(let type, let text):
            guard type.isTextual else {
                throw WireError(.notEncodable, at: nil, "a text value cannot have base type \(type.name)")
            }
            buffer.writeInteger(type.rawValue)
            try string(text, "string value", into: &buffer)
        case .number(let number):
            buffer.writeMultipleIntegers(BaseType.number.rawValue, number.bitPattern)
        case .boolean(let boolean):
            buffer.writeInteger(BaseType.boolean.rawValue)
            flag(boolean, into: &buffer)
        case .datetime(let milliseconds):
            buffer.writeMultipleIntegers(BaseType.datetime.rawValue, UInt64(bitPattern: milliseconds))
        case .integer(let integer):
            buffer.writeMultipleIntegers(BaseType.integer.rawValue, UInt32(bitPattern: integer))
        case .location(let location):
            buffer.writeMultipleIntegers(
                BaseType.location.rawValue,
                location.longitude.bitPattern,
                location.latitude.bitPattern,
                location.elevation.bitPattern
            )
        case .infoTable(let table):
            try Self.checkDepth(depth + 1)
            buffer.writeInteger(BaseType.infoTable.rawValue)
            try infoTable(table, depth: depth + 1, into: &buffer)
        case .variant(let inner):
            try Self.checkDepth(depth + 1)
            buffer.writeInteger(BaseType.variant.rawValue)
            try primitive(inner, depth: depth + 1, into: &buffer)
        case .bytes(let type, let bytes):
            guard type.isBinary else {
                throw WireError(.notEncodable, at: nil, "a byte value cannot have base type \(type.name)")
            }
            guard let length = UInt32(exactly: bytes.count) else {
                throw WireError(.notEncodable, at: nil, "a \(type.name) of \(bytes.count) bytes exceeds the 4-byte length")
            }
            buffer.writeMultipleIntegers(type.rawValue, length)
            buffer.writeBytes(bytes)
        }
    }

    static func checkDepth(_ depth: Int) throws(WireError) {
        guard depth <= WireLimits.hardMaximumNestingDepth else {
            throw WireError(
                .nestingTooDeep,
                at: nil,
                "InfoTables and VARIANTs are nested more than \(WireLimits.hardMaximumNestingDepth) levels deep"
            )
        }
    }
}
