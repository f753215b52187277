public import NIOCore

extension WireReader {
    /// DataShape then rows, each list ended by a `00` marker (§4.5). The caller has already counted
    /// this table's nesting level.
    mutating func infoTable() throws(WireError) -> InfoTable {
        var fields: [FieldDefinition] = []
        while try flag("DataShape entry marker") {
            let name = try string("field name")
            let description = try string("field description")
            let typeOffset = position
            let typeByte = try byte("field base type")
            guard let baseType = BaseType(rawValue: typeByte) else {
                throw WireError(
                    .unknownBaseType,
                    at: typeOffset,
                    "field '\(name)' declares \(hexByte(typeByte)), which is not a base type"
                )
            }
            let aspectCount = Int(try uint16("aspect count"))
            var aspects: [Aspect] = []
            if aspectCount > 0 {
                // Each aspect takes at least 2 bytes: never reserve more than the input could fill.
                aspects.reserveCapacity(min(aspectCount, remaining / 2))
                for _ in 0..<aspectCount {
                    let aspectName = try string("aspect name")
                    aspects.append(Aspect(name: aspectName, value: try primitive()))
                }
            }
            fields.append(FieldDefinition(name: name, description: description, baseType: baseType, aspects: aspects))
        }
        var rows: [[Primitive]] = []
        while try flag("row marker") {
            let count = Int(try uint16("row value count"))
            var values: [Primitive] = []
            // Each value takes at least its type byte.
            values.reserveCapacity(min(count, remaining))
            for _ in 0..<count {
                values.append(try primitive())
            }
            rows.append(values)
        }
        return InfoTable(dataShape: DataShape(fields: fields), rows: rows)
    }
}

extension WireWriter {
    /// DataShape then rows. `depth` is this table's own nesting level.
    mutating func infoTable(_ table: InfoTable, depth: Int, into buffer: inout ByteBuffer) throws(WireError) {
        for field in table.dataShape.fields {
            flag(true, into: &buffer)
            try string(field.name, "field name", into: &buffer)
            try string(field.description, "field description", into: &buffer)
            buffer.writeMultipleIntegers(
                field.baseType.rawValue,
                try Self.checkedUInt16(field.aspects.count, "aspects")
            )
            for aspect in field.aspects {
                try string(aspect.name, "aspect name", into: &buffer)
                try primitive(aspect.value, depth: depth, into: &buffer)
            }
        }
        flag(false, into: &buffer)
        for row in table.rows {
            flag(true, into: &buffer)
            buffer.writeInteger(try Self.checkedUInt16(row.count, "values in a row"))
            for value in row {
                try primitive(value, depth: depth, into: &buffer)
            }
        }
        flag(false, into: &buffer)
    }
}

extension InfoTable {
    /// Writes the table in wire form (no type byte before it, no length).
    public func encode(into buffer: inout ByteBuffer) throws(WireError) {
        let start = buffer.writerIndex
        var writer = WireWriter(spelling: nil)
        do throws(WireError) {
            try writer.infoTable(self, depth: 1, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Reads one table from the buffer's readable bytes and moves the reader index past it. Offsets in
    /// errors count from the reader index; non-canonical spellings are accepted but not kept.
    public static func decode(from buffer: inout ByteBuffer, limits: WireLimits = .default) throws(WireError) -> InfoTable {
        let result: Result<(InfoTable, Int), WireError> = buffer.withUnsafeReadableBytes { bytes in
            var reader = WireReader(bytes: bytes, limits: limits)
            do throws(WireError) {
                try reader.enterNested(at: 0)
                let table = try reader.infoTable()
                return .success((table, reader.position))
            } catch {
                return .failure(error)
            }
        }
        let (table, consumed) = try result.get()
        buffer.moveReaderIndex(forwardBy: consumed)
        return table
    }
}

extension Primitive {
    /// Writes the type byte and the value.
    public func encode(into buffer: inout ByteBuffer) throws(WireError) {
        let start = buffer.writerIndex
        var writer = WireWriter(spelling: nil)
        do throws(WireError) {
            try writer.primitive(self, depth: 0, into: &buffer)
        } catch {
            buffer.moveWriterIndex(to: start)
            throw error
        }
    }

    /// Reads one typed value and moves the reader index past it.
    public static func decode(from buffer: inout ByteBuffer, limits: WireLimits = .default) throws(WireError) -> Primitive {
        let result: Result<(Primitive, Int), WireError> = buffer.withUnsafeReadableBytes { bytes in
            var reader = WireReader(bytes: bytes, limits: limits)
            do throws(WireError) {
                let value = try reader.primitive()
                return .success((value, reader.position))
            } catch {
                return .failure(error)
            }
        }
        let (value, consumed) = try result.get()
        buffer.moveReaderIndex(forwardBy: consumed)
        return value
    }
}
