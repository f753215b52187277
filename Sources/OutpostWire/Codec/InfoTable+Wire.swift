public import NIOCore

extension WireReader {
    /// DataShape then rows, each list ended by a `00` marker (§4.5). The caller has already counted
    /// this table's nesting level.
    mutating func infoTable() throws(WireError) -> InfoTable {
        let fields: [FieldDefinition]
        if let known = knownDataShape() {
            fields = known
        } else {
            fields = try dataShapeFields()
        }
        var table = InfoTable(dataShape: DataShape(fields: fields))
        try rows(into: &table)
        return table
    }

    /// The field definitions, each after a `01` entry marker, up to the `00` end marker.
    private mutating func dataShapeFields() throws(WireError) -> [FieldDefinition] {
        var fields: [FieldDefinition] = []
        while try flag("DataShape entry marker") {
            let fieldStart = position
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
            if fields.isEmpty {
                // Room for a few more like this one, bounded so that tiny tables cannot claim much.
                fields.reserveCapacity(min(8, 1 + remaining / max(1, position - fieldStart + 1)))
            }
            fields.append(FieldDefinition(name: name, description: description, baseType: baseType, aspects: aspects))
        }
        return fields
    }

    /// The rows, straight into the table's flat storage: while every row has the same non-zero count
    /// the values are simply appended; the first row that differs switches to the ragged layout.
    private mutating func rows(into table: inout InfoTable) throws(WireError) {
        var cells = InfoTableCells()
        var width = 0
        var rowCount = 0
        var ragged = false
        while try flag("row marker") {
            let count = Int(try uint16("row value count"))
            if rowCount == 0 {
                cells.reserveCapacity(firstCapacity(rowWidth: count))
                width = count
                ragged = count == 0
            } else if !ragged && count != width {
                cells = Self.raggedCells(cells, width: width)
                ragged = true
            }
            let rowStart = position
            for _ in 0..<count {
                cells.appendToOwnStorage(try cell())
            }
            if ragged { cells.appendToOwnStorage(.rowEnd) }
            rowCount += 1
            if rowCount == 1, remaining > 0, bytes[position] != 0, cells.capacity - cells.count < count {
                // More rows follow and the first one could not be measured in advance: room for as many
                // rows like it as fit in what is left (at most 64), bounded by the input's size.
                let rowBytes = position - rowStart + 3
                let more = min(64, 1 + remaining / rowBytes)
                cells.reserveCapacity(cells.count + min(more * max(count, 1), remaining + 1))
            }
        }
        table.cells = cells
        table.layout = ragged ? -rowCount : width
    }

    /// Room to reserve before decoding the first row of `rowWidth` values (the cursor is at its first
    /// value). Rows of one table tend to be alike, so when the first row holds only values whose size
    /// the bytes tell at a glance, there is room for as many such rows as the bytes left could hold
    /// (at most 64); otherwise for this row. Never more values than bytes left, since each takes one.
    private func firstCapacity(rowWidth: Int) -> Int {
        guard rowWidth > 0 else { return 0 }
        var offset = position
        for _ in 0..<rowWidth {
            guard let size = flatValueSize(at: offset) else { return min(rowWidth, remaining) }
            offset &+= size
        }
        // A row also takes its marker and its two-byte count.
        let rowBytes = offset - position + 3
        let rows = min(64, max(1, (remaining + 3) / rowBytes))
        return min(rows * rowWidth, remaining + 1)
    }

    /// Bytes taken by the typed value at `offset` when it is a fixed-size value, a short STRING or a
    /// VARIANT of one; `nil` for anything else or when it would run past the end. Only a guess for
    /// ``firstCapacity(rowWidth:)``: nothing is decoded or checked here.
    private func flatValueSize(at offset: Int) -> Int? {
        guard offset < bytes.count else { return nil }
        var size = 0
        var typeOffset = offset
        if bytes[offset] == BaseType.variant.rawValue {
            size = 1
            typeOffset &+= 1
            guard typeOffset < bytes.count else { return nil }
        }
        switch bytes[typeOffset] {
        case BaseType.nothing.rawValue: size &+= 1
        case BaseType.boolean.rawValue: size &+= 2
        case BaseType.integer.rawValue: size &+= 5
        case BaseType.number.rawValue, BaseType.datetime.rawValue: size &+= 9
        case BaseType.location.rawValue: size &+= 25
        case BaseType.string.rawValue:
            guard typeOffset &+ 1 < bytes.count, bytes[typeOffset &+ 1] < 0x80 else { return nil }
            size &+= 2 &+ Int(bytes[typeOffset &+ 1])
        default:
            return nil
        }
        return offset &+ size <= bytes.count ? size : nil
    }

    /// `cells` of uniform rows of `width` values with a row end after each.
    private static func raggedCells(_ cells: InfoTableCells, width: Int) -> InfoTableCells {
        var result = InfoTableCells()
        result.reserveCapacity(cells.count + cells.count / width + 8)
        for index in cells.indices {
            result.append(cells[index])
            if (index + 1) % width == 0 { result.append(.rowEnd) }
        }
        return result
    }
}

extension WireWriter {
    /// DataShape then rows. `depth` is this table's own nesting level.
    mutating func infoTable(_ table: InfoTable, depth: Int) throws(WireError) {
        // Index loops over buffer pointers borrow the elements instead of copying (and retaining)
        // each one, which is most of the cost of encoding.
        try table.dataShape.fields.withUnsafeBufferPointer { fields throws(WireError) in
            for index in fields.indices {
                flag(true)
                try string(fields[index].name, "field name")
                try string(fields[index].description, "field description")
                sink.byte(fields[index].baseType.rawValue)
                sink.uint16(try Self.checkedUInt16(fields[index].aspects.count, "aspects"))
                if !fields[index].aspects.isEmpty {
                    for aspect in fields[index].aspects {
                        try string(aspect.name, "aspect name")
                        try primitive(aspect.value, depth: depth)
                    }
                }
            }
        }
        flag(false)
        // A positive layout is the width of every row; otherwise each row ends at a row-end cell.
        let width = table.layout
        let uniformCount = width > 0 ? try Self.checkedUInt16(width, "values in a row") : 0
        try table.cells.withUnsafeBufferPointer { cells throws(WireError) in
            var start = 0
            while start < cells.count {
                var end = start &+ width
                var count = uniformCount
                if width <= 0 {
                    end = start
                    while !cells[end].isRowEnd { end &+= 1 }
                    count = try Self.checkedUInt16(end - start, "values in a row")
                }
                flag(true)
                sink.uint16(count)
                for index in start..<end {
                    try cell(cells[index], depth: depth)
                }
                start = width > 0 ? end : end &+ 1
            }
        }
        flag(false)
    }
}

extension WireWriter {
    /// A row value. Values without nesting, and VARIANTs of them, are written inline here, which
    /// avoids a recursive call per value (about 40 % of the encoding time of a property push).
    @inline(__always)
    mutating func cell(_ cell: InfoTableCell, depth: Int) throws(WireError) {
        switch cell {
        case .value(let value):
            if try flatValue(value) { return }
            try primitive(value, depth: depth)
        case .variant(let inner):
            try Self.checkDepth(depth + 1)
            sink.byte(BaseType.variant.rawValue)
            // Property pushes carry VARIANT(NUMBER) or VARIANT(BOOLEAN) far more than anything else.
            switch inner {
            case .number(let number):
                sink.byte(BaseType.number.rawValue)
                sink.uint64(number.bitPattern)
            case .boolean(let boolean):
                sink.byte(BaseType.boolean.rawValue)
                flag(boolean)
            default:
                try primitive(inner, depth: depth + 1)
            }
        case .rowEnd:
            preconditionFailure("row ends are consumed by the row loop")
        }
    }
}

extension InfoTable: WireEncodable {
    func write<Sink: WireSink>(into writer: inout WireWriter<Sink>) throws(WireError) {
        try writer.infoTable(self, depth: 1)
    }
}

extension Primitive: WireEncodable {
    func write<Sink: WireSink>(into writer: inout WireWriter<Sink>) throws(WireError) {
        try writer.primitive(self, depth: 0)
    }
}

extension InfoTable {
    /// Writes the table in wire form (no type byte before it, no length).
    public func encode(into buffer: inout ByteBuffer) throws(WireError) {
        try buffer.writeWire(self, spelling: nil)
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
        try buffer.writeWire(self, spelling: nil)
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
