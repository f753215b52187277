/// The flat storage of an InfoTable's values (``InfoTable/cells``): a copy-on-write array of
/// ``InfoTableCell`` with a buffer class of its own.
///
/// `[InfoTableCell]` would hold the same, but an `Array` frees its elements through the runtime's
/// generic path (a chain of three indirect calls per value), which was about a quarter of the cost of
/// decoding a property push and freeing it again. This buffer's deinit is compiled for the concrete
/// element type, so freeing a number costs nothing and a short string a check. An empty table
/// allocates nothing.
///
/// `@unchecked Sendable` because the buffer (a `ManagedBuffer`, which is never `Sendable`) is only
/// written while this value holds the sole reference, as `Array` does (copy on write).
struct InfoTableCells: RandomAccessCollection, @unchecked Sendable {
    /// Count and capacity, then the cells.
    final class Buffer: ManagedBuffer<(count: Int, capacity: Int), InfoTableCell> {
        deinit {
            withUnsafeMutablePointers { header, cells in
                // One cell at a time: `deinitialize(count:)` would hand the whole range to the
                // runtime's generic destroy, the very path this type exists to avoid.
                for index in 0..<header.pointee.count {
                    _ = (cells + index).move()
                }
            }
        }

        static func make(capacity: Int) -> Buffer {
            let made = Buffer.create(minimumCapacity: capacity) { _ in (0, capacity) }
            return unsafeDowncast(made, to: Buffer.self)
        }
    }

    private var buffer: Buffer?

    init() {
        buffer = nil
    }

    init(_ cells: some Sequence<InfoTableCell>) {
        self.init()
        reserveCapacity(cells.underestimatedCount)
        for cell in cells { append(cell) }
    }

    var startIndex: Int { 0 }

    var endIndex: Int {
        guard let buffer else { return 0 }
        return buffer.withUnsafeMutablePointerToHeader { $0.pointee.count }
    }

    var capacity: Int {
        guard let buffer else { return 0 }
        return buffer.withUnsafeMutablePointerToHeader { $0.pointee.capacity }
    }

    subscript(index: Int) -> InfoTableCell {
        precondition(index >= 0 && index < endIndex, "cell index out of range")
        return buffer.unsafelyUnwrapped.withUnsafeMutablePointerToElements { $0[index] }
    }

    /// Calls `body` with the cells in contiguous memory.
    func withUnsafeBufferPointer<R, E: Error>(_ body: (UnsafeBufferPointer<InfoTableCell>) throws(E) -> R) throws(E) -> R {
        guard let buffer else { return try body(UnsafeBufferPointer(start: nil, count: 0)) }
        // `self` holds the buffer for the whole call, so the pointer stays valid inside `body`.
        let (cells, count) = buffer.withUnsafeMutablePointers { header, cells in (cells, header.pointee.count) }
        return try body(UnsafeBufferPointer(start: cells, count: count))
    }

    /// Room for at least `minimumCapacity` cells in storage of its own.
    mutating func reserveCapacity(_ minimumCapacity: Int) {
        guard minimumCapacity > capacity || (buffer != nil && !isKnownUniquelyReferenced(&buffer)) else { return }
        reallocate(capacity: Swift.max(minimumCapacity, count))
    }

    mutating func append(_ cell: InfoTableCell) {
        let count = self.count
        if count == capacity || !isKnownUniquelyReferenced(&buffer) {
            reallocate(capacity: count == capacity ? Swift.max(4, 2 * count) : capacity)
        }
        buffer.unsafelyUnwrapped.withUnsafeMutablePointers { header, cells in
            (cells + count).initialize(to: cell)
            header.pointee.count = count &+ 1
        }
    }

    /// ``append(_:)`` without the uniqueness check, for a decoder filling storage it has just made and
    /// not yet shared with anything.
    @inline(__always)
    mutating func appendToOwnStorage(_ cell: InfoTableCell) {
        let count = self.count
        if count == capacity {
            reallocate(capacity: Swift.max(4, 2 * count))
        }
        buffer.unsafelyUnwrapped.withUnsafeMutablePointers { header, cells in
            (cells + count).initialize(to: cell)
            header.pointee.count = count &+ 1
        }
    }

    /// New storage of `capacity` cells holding the current ones: moved when this value owns the old
    /// storage alone, copied otherwise.
    private mutating func reallocate(capacity: Int) {
        let new = Buffer.make(capacity: capacity)
        let count = self.count
        if count > 0 {
            // Checked before anything else holds a reference to the old storage.
            let unique = isKnownUniquelyReferenced(&buffer)
            let old = buffer.unsafelyUnwrapped
            new.withUnsafeMutablePointerToElements { target in
                old.withUnsafeMutablePointers { header, source in
                    if unique {
                        target.moveInitialize(from: source, count: count)
                        header.pointee.count = 0
                    } else {
                        target.initialize(from: source, count: count)
                    }
                }
            }
            new.withUnsafeMutablePointerToHeader { $0.pointee.count = count }
        }
        buffer = new
    }
}

extension InfoTableCells: Hashable {
    static func == (lhs: InfoTableCells, rhs: InfoTableCells) -> Bool {
        lhs.count == rhs.count && (lhs.buffer === rhs.buffer || lhs.elementsEqual(rhs))
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(count)
        for cell in self { hasher.combine(cell) }
    }
}
