extension WireReader {
    /// A typed value: type byte, then the value (§4.4).
    mutating func primitive() throws(WireError) -> Primitive {
        let typeOffset = position
        return try value(ofType: try byte("base type byte"), at: typeOffset)
    }

    /// A row value: as ``primitive()``, but a VARIANT is kept unboxed.
    @inline(__always)
    mutating func cell() throws(WireError) -> InfoTableCell {
        let typeOffset = position
        let typeByte = try byte("base type byte")
        if typeByte == BaseType.variant.rawValue {
            try enterNested(at: typeOffset)
            let innerOffset = position
            let inner = try commonValue(ofType: try byte("base type byte"), at: innerOffset)
            leaveNested()
            return .variant(inner)
        }
        return .value(try commonValue(ofType: typeByte, at: typeOffset))
    }

    /// As ``value(ofType:at:)``, with the types of a property push's columns (and BOOLEAN, INTEGER)
    /// decoded right here, without the call into the general switch.
    @inline(__always)
    mutating func commonValue(ofType typeByte: UInt8, at typeOffset: Int) throws(WireError) -> Primitive {
        switch typeByte {
        case BaseType.string.rawValue:
            return .text(.string, try string("string value"))
        case BaseType.number.rawValue:
            return .number(Double(bitPattern: try uint64("NUMBER value")))
        case BaseType.datetime.rawValue:
            return .datetime(Int64(bitPattern: try uint64("DATETIME value")))
        case BaseType.boolean.rawValue:
            return .boolean(try flag("BOOLEAN value"))
        case BaseType.integer.rawValue:
            return .integer(Int32(bitPattern: try uint32("INTEGER value")))
        default:
            return try value(ofType: typeByte, at: typeOffset)
        }
    }

    /// The value after its type byte `typeByte`, which started at `typeOffset`.
    mutating func value(ofType typeByte: UInt8, at typeOffset: Int) throws(WireError) -> Primitive {
        // Dispatch on the byte itself: the common types never go through `BaseType(rawValue:)`.
        switch typeByte {
        case BaseType.nothing.rawValue:
            return .nothing
        case BaseType.string.rawValue:
            return .text(.string, try string("string value"))
        case BaseType.number.rawValue:
            return .number(Double(bitPattern: try uint64("NUMBER value")))
        case BaseType.boolean.rawValue:
            return .boolean(try flag("BOOLEAN value"))
        case BaseType.datetime.rawValue:
            return .datetime(Int64(bitPattern: try uint64("DATETIME value")))
        case BaseType.integer.rawValue:
            return .integer(Int32(bitPattern: try uint32("INTEGER value")))
        case BaseType.location.rawValue:
            let longitude = Double(bitPattern: try uint64("LOCATION longitude"))
            let latitude = Double(bitPattern: try uint64("LOCATION latitude"))
            let elevation = Double(bitPattern: try uint64("LOCATION elevation"))
            return .location(Location(latitude: latitude, longitude: longitude, elevation: elevation))
        case BaseType.infoTable.rawValue:
            try enterNested(at: typeOffset)
            let table = try infoTable()
            leaveNested()
            return .infoTable(table)
        case BaseType.variant.rawValue:
            try enterNested(at: typeOffset)
            let inner = try primitive()
            leaveNested()
            return .variant(inner)
        case BaseType.image.rawValue, BaseType.blob.rawValue:
            let lengthOffset = position
            let length = Int(try uint32("BLOB/IMAGE length"))
            return .bytes(BaseType(rawValue: typeByte)!, try rawBytes(length, "BLOB/IMAGE value", lengthAt: lengthOffset))
        case BaseType.timespan.rawValue, BaseType.schedule.rawValue:
            throw WireError(
                .unsupportedBaseType,
                at: typeOffset,
                "\(BaseType(rawValue: typeByte)!.name) values have no encoding in the AlwaysOn protocol (the C SDK rejects them too)"
            )
        default:
            guard let type = BaseType(rawValue: typeByte), type.isTextual else {
                throw WireError(
                    .unknownBaseType,
                    at: typeOffset,
                    "\(hexByte(typeByte)) is not a base type, so the value's length is unknown"
                )
            }
            return .text(type, try string("string value"))
        }
    }
}

extension WireWriter {
    /// A typed value. `depth` counts the InfoTables and VARIANTs around it.
    mutating func primitive(_ value: Primitive, depth: Int) throws(WireError) {
        if try flatValue(value) { return }
        switch value {
        case .infoTable(let table):
            try Self.checkDepth(depth + 1)
            sink.byte(BaseType.infoTable.rawValue)
            try infoTable(table, depth: depth + 1)
        case .variant(let inner):
            try Self.checkDepth(depth + 1)
            sink.byte(BaseType.variant.rawValue)
            try primitive(inner, depth: depth + 1)
        case .text(let type, _):
            throw WireError(.notEncodable, at: nil, "a text value cannot have base type \(type.name)")
        case .bytes(let type, let bytes):
            guard type.isBinary else {
                throw WireError(.notEncodable, at: nil, "a byte value cannot have base type \(type.name)")
            }
            throw WireError(.notEncodable, at: nil, "a \(type.name) of \(bytes.count) bytes exceeds the 4-byte length")
        case .nothing, .number, .boolean, .datetime, .integer, .location:
            preconditionFailure("flat values are written by flatValue")
        }
    }

    /// Writes a value that contains no other value (everything but INFOTABLE and VARIANT) and returns
    /// true; returns false, having written nothing, for nested values and for values the format cannot
    /// carry (which ``primitive(_:depth:)`` then reports). Inlined, so callers avoid a call per value.
    @inline(__always)
    mutating func flatValue(_ value: Primitive) throws(WireError) -> Bool {
        switch value {
        case .nothing:
            sink.byte(BaseType.nothing.rawValue)
        case .text(let type, let text):
            guard type.isTextual else { return false }
            sink.byte(type.rawValue)
            try string(text, "string value")
        case .number(let number):
            sink.byte(BaseType.number.rawValue)
            sink.uint64(number.bitPattern)
        case .boolean(let boolean):
            sink.byte(BaseType.boolean.rawValue)
            flag(boolean)
        case .datetime(let milliseconds):
            sink.byte(BaseType.datetime.rawValue)
            sink.uint64(UInt64(bitPattern: milliseconds))
        case .integer(let integer):
            sink.byte(BaseType.integer.rawValue)
            sink.uint32(UInt32(bitPattern: integer))
        case .location(let location):
            sink.byte(BaseType.location.rawValue)
            sink.uint64(location.longitude.bitPattern)
            sink.uint64(location.latitude.bitPattern)
            sink.uint64(location.elevation.bitPattern)
        case .bytes(let type, let bytes):
            guard type.isBinary, let length = UInt32(exactly: bytes.count) else { return false }
            sink.byte(type.rawValue)
            sink.uint32(length)
            sink.bytes(bytes)
        case .infoTable, .variant:
            return false
        }
        return true
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
