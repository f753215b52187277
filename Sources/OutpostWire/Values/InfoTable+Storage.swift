/// One stored value of an InfoTable row.
///
/// A VARIANT in a row (every `value` of a property push) would otherwise be an indirect enum case, one
/// heap box per value; here it is a case of its own around the inner value. ``value(_:)`` never holds a
/// `.variant`, so each row value has exactly one spelling and synthesized equality is wire equality.
enum InfoTableCell: Sendable, Hashable {
    /// Any value other than VARIANT.
    case value(Primitive)
    /// A VARIANT and the value it carries (which may itself be a boxed VARIANT).
    case variant(Primitive)
    /// Closes a row in the ragged layout (``InfoTable/layout`` ≤ 0).
    case rowEnd

    init(_ primitive: Primitive) {
        if case .variant(let inner) = primitive {
            self = .variant(inner)
        } else {
            self = .value(primitive)
        }
    }

    var isRowEnd: Bool {
        if case .rowEnd = self { return true }
        return false
    }

    /// The value as the public type (a VARIANT gets its box here).
    var primitive: Primitive {
        switch self {
        case .value(let value): value
        case .variant(let inner): .variant(inner)
        case .rowEnd: preconditionFailure("a row end is not a value")
        }
    }
}

extension InfoTable {
    /// The number of rows.
    public var rowCount: Int {
        layout > 0 ? cells.count / layout : -layout
    }

    /// The values of one row, or `nil` if there is no such row.
    public func row(_ index: Int) -> [Primitive]? {
        guard let range = cellRange(ofRow: index) else { return nil }
        return cells[range].map(\.primitive)
    }

    /// One value by position, or `nil` if the row does not exist or is shorter.
    public func value(row: Int, column: Int) -> Primitive? {
        guard column >= 0, let range = cellRange(ofRow: row), column < range.count else { return nil }
        return cells[range.lowerBound + column].primitive
    }

    /// Appends a row, keeping the flat storage (amortized constant time while rows have equal length).
    public mutating func appendRow(_ values: [Primitive]) {
        let count = rowCount
        if layout > 0 && values.count == layout {
            cells.reserveCapacity(cells.count + values.count)
            for value in values { cells.append(InfoTableCell(value)) }
            return
        }
        if count == 0 && !values.isEmpty {
            cells = InfoTableCells(values.lazy.map(InfoTableCell.init))
            layout = values.count
            return
        }
        if layout > 0 { makeRagged() }
        cells.reserveCapacity(cells.count + values.count + 1)
        for value in values { cells.append(InfoTableCell(value)) }
        cells.append(.rowEnd)
        layout = -(count + 1)
    }

    /// Calls `body` with the stored values of each row in order.
    func forEachRow<E: Error>(_ body: (Slice<InfoTableCells>) throws(E) -> Void) throws(E) {
        if layout > 0 {
            var start = 0
            while start < cells.count {
                try body(cells[start..<(start + layout)])
                start += layout
            }
        } else {
            var start = 0
            for index in cells.indices where cells[index].isRowEnd {
                try body(cells[start..<index])
                start = index + 1
            }
        }
    }

    /// Where row `index` lies in `cells`.
    private func cellRange(ofRow index: Int) -> Range<Int>? {
        guard index >= 0, index < rowCount else { return nil }
        if layout > 0 { return (index * layout)..<((index + 1) * layout) }
        var row = 0
        var start = 0
        for position in cells.indices where cells[position].isRowEnd {
            if row == index { return start..<position }
            row += 1
            start = position + 1
        }
        return nil
    }

    /// Rewrites uniform storage in the ragged form (a row end after every row).
    private mutating func makeRagged() {
        let width = layout
        var ragged = InfoTableCells()
        ragged.reserveCapacity(cells.count + cells.count / width + 1)
        for (index, cell) in cells.enumerated() {
            ragged.append(cell)
            if (index + 1) % width == 0 { ragged.append(.rowEnd) }
        }
        layout = -(cells.count / width)
        cells = ragged
    }

    /// Flat storage and layout for nested rows, in the canonical form.
    static func storage(for rows: [[Primitive]]) -> (cells: InfoTableCells, layout: Int) {
        guard let width = rows.first?.count, width > 0, rows.allSatisfy({ $0.count == width }) else {
            var cells = InfoTableCells()
            cells.reserveCapacity(rows.reduce(rows.count) { $0 + $1.count })
            for row in rows {
                for value in row { cells.append(InfoTableCell(value)) }
                cells.append(.rowEnd)
            }
            return (cells, -rows.count)
        }
        var cells = InfoTableCells()
        cells.reserveCapacity(width * rows.count)
        for row in rows {
            for value in row { cells.append(InfoTableCell(value)) }
        }
        return (cells, width)
    }
}
