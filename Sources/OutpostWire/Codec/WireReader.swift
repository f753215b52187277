/// A cursor over the bytes of one complete message.
///
/// AlwaysOn messages carry no overall length: a WebSocket message is the unit, so decoding is a single
/// pass over a complete buffer rather than a resumable parser. Every read checks the bytes that remain
/// before touching or allocating anything, and every error names the field and the offset where it
/// starts. Non-canonical spellings are recorded in ``spelling`` as they are met.
struct WireReader: ~Copyable {
    let bytes: UnsafeRawBufferPointer
    private(set) var position: Int
    let limits: WireLimits
    private var depth = 0
    private var stringOrdinal = 0
    private var flagOrdinal = 0
    var spelling = WireSpelling()
    /// Short strings seen before on this connection, if the caller keeps a cache.
    var cache: WireStringCache?
    /// Whether short ASCII strings may be composed in place (checked once per process, read once here).
    private let composesSmallStrings = SmallASCIIString.isAvailable

    init(bytes: UnsafeRawBufferPointer, limits: WireLimits, position: Int = 0, cache: consuming WireStringCache? = nil) {
        self.bytes = bytes
        self.limits = limits
        self.position = position
        self.cache = cache
    }

    var remaining: Int { bytes.count - position }

    var isAtEnd: Bool { position >= bytes.count }

    // MARK: Errors

    func truncated(_ field: StaticString, at start: Int, needs: Int) -> WireError {
        WireError(
            .truncated,
            at: start,
            "message ends inside the \(field): it needs \(needs) byte\(needs == 1 ? "" : "s"), \(max(0, bytes.count - start)) left"
        )
    }

    // MARK: Fixed-size fields

    @inline(__always)
    mutating func byte(_ field: StaticString) throws(WireError) -> UInt8 {
        guard position < bytes.count else { throw truncated(field, at: position, needs: 1) }
        let value = bytes[position]
        position &+= 1
        return value
    }

    @inline(__always)
    mutating func uint16(_ field: StaticString) throws(WireError) -> UInt16 {
        guard remaining >= 2 else { throw truncated(field, at: position, needs: 2) }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: UInt16.self)
        position &+= 2
        return UInt16(bigEndian: value)
    }

    @inline(__always)
    mutating func uint32(_ field: StaticString) throws(WireError) -> UInt32 {
        guard remaining >= 4 else { throw truncated(field, at: position, needs: 4) }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: UInt32.self)
        position &+= 4
        return UInt32(bigEndian: value)
    }

    @inline(__always)
    mutating func uint64(_ field: StaticString) throws(WireError) -> UInt64 {
        guard remaining >= 8 else { throw truncated(field, at: position, needs: 8) }
        let value = bytes.loadUnaligned(fromByteOffset: position, as: UInt64.self)
        position &+= 8
        return UInt64(bigEndian: value)
    }

    /// Declared byte counts are checked against what is left before the caller allocates anything.
    mutating func rawBytes(_ count: Int, _ field: StaticString, lengthAt start: Int) throws(WireError) -> [UInt8] {
        guard count <= remaining else {
            throw WireError(
                .lengthExceedsMessage,
                at: start,
                "the \(field) declares \(count) bytes but only \(remaining) remain in the message"
            )
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + count)])
        position += count
        return [UInt8](slice)
    }

    /// Everything from the cursor to the end, consumed.
    mutating func rest() -> [UInt8] {
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position...])
        position = bytes.count
        return [UInt8](slice)
    }

    // MARK: Strings (§4.2)

    /// A length-prefixed string: one byte below 0x80, else four bytes with bit 31 set.
    ///
    /// Inlined for the case nearly every string of a property push takes (1–15 ASCII bytes, with at
    /// least 16 bytes after the length byte, so two word loads stay inside the message): a few
    /// instructions in the caller instead of a call. Everything else goes to ``otherString(_:)``.
    @inline(__always)
    mutating func string(_ field: StaticString) throws(WireError) -> String {
        let start = position
        if composesSmallStrings && bytes.count &- start >= 17 {
            let count = Int(bytes.load(fromByteOffset: start, as: UInt8.self))
            if UInt(bitPattern: count &- 1) < UInt(SmallASCIIString.maxCount) {
                var low = bytes.loadUnaligned(fromByteOffset: start &+ 1, as: UInt64.self)
                var high = bytes.loadUnaligned(fromByteOffset: start &+ 9, as: UInt64.self)
                if count < 8 {
                    low &= (1 &<< (UInt64(truncatingIfNeeded: count) &* 8)) &- 1
                    high = 0
                } else {
                    high &= (1 &<< (UInt64(truncatingIfNeeded: count &- 8) &* 8)) &- 1
                }
                if SmallASCIIString.isASCII(low: low, high: high) {
                    position = start &+ 1 &+ count
                    stringOrdinal &+= 1
                    return SmallASCIIString.compose(low: low, high: high, count: count)
                }
            }
        }
        return try otherString(field)
    }

    /// ``string(_:)`` for every case but the inlined one: long and non-ASCII strings, the 4-byte
    /// length form, strings near the end of the message, and every error.
    @inline(never)
    private mutating func otherString(_ field: StaticString) throws(WireError) -> String {
        let start = position
        let first = try byte(field)
        let length: Int
        let ordinal = stringOrdinal
        stringOrdinal &+= 1
        if first < 0x80 {
            length = Int(first)
        } else {
            guard remaining >= 3 else { throw truncated(field, at: start, needs: 4) }
            let low = UInt32(bytes[position]) << 16 | UInt32(bytes[position + 1]) << 8 | UInt32(bytes[position + 2])
            position &+= 3
            length = Int(UInt32(first & 0x7F) << 24 | low)
            if length < 0x80 { spelling.longFormStrings.append(ordinal) }
        }
        guard length <= remaining else {
            throw WireError(
                .lengthExceedsMessage,
                at: start,
                "the \(field) declares \(length) bytes but only \(remaining) remain in the message"
            )
        }
        if length == 0 { return "" }
        if length <= SmallASCIIString.maxCount && composesSmallStrings {
            let (low, high) = SmallASCIIString.words(
                of: UnsafeRawBufferPointer(rebasing: bytes[position...]),
                count: length
            )
            if SmallASCIIString.isASCII(low: low, high: high) {
                position &+= length
                return SmallASCIIString.compose(low: low, high: high, count: length)
            }
        }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[position..<(position + length)])
        position &+= length
        if let known = WireKnownForms.name(slice) { return known }
        if length <= WireStringCache.maxLength && cache != nil,
            let cached = cache!.string(for: slice, make: { Self.validString($0) })
        {
            return cached
        }
        let units = slice.assumingMemoryBound(to: UInt8.self)
        let text = String(decoding: units, as: UTF8.self)
        // ASCII (nearly every name and value on this protocol) cannot have been repaired; otherwise
        // compare, since `String(decoding:)` replaces invalid sequences with U+FFFD.
        if Self.isASCII(units) || text.utf8.elementsEqual(units) { return text }
        spelling.invalidUTF8Strings[ordinal] = [UInt8](units)
        return text
    }

    /// The string if the bytes are valid UTF-8.
    private static func validString(_ bytes: UnsafeRawBufferPointer) -> String? {
        let units = bytes.assumingMemoryBound(to: UInt8.self)
        let text = String(decoding: units, as: UTF8.self)
        return isASCII(units) || text.utf8.elementsEqual(units) ? text : nil
    }

    @inline(__always)
    private static func isASCII(_ units: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = 0
        let count = units.count
        let raw = UnsafeRawPointer(units.baseAddress!)
        while index &+ 8 <= count {
            if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
            index &+= 8
        }
        var high: UInt8 = 0
        while index < count {
            high |= units[index]
            index &+= 1
        }
        return high < 0x80
    }

    // MARK: Flags and markers

    /// A byte where 0 means false and any other value true (flags, entry and row markers, BOOLEAN).
    @inline(__always)
    mutating func flag(_ field: StaticString) throws(WireError) -> Bool {
        let value = try byte(field)
        let ordinal = flagOrdinal
        flagOrdinal &+= 1
        if value > 1 { spelling.flagBytes[ordinal] = value }
        return value != 0
    }

    /// The params/content marker: `05` means an InfoTable follows; anything else means none (`FF` is
    /// canonical).
    mutating func contentMarker(_ field: StaticString) throws(WireError) -> Bool {
        let value = try byte(field)
        let ordinal = flagOrdinal
        flagOrdinal &+= 1
        if value == BaseType.infoTable.rawValue { return true }
        if value != BaseType.nothing.rawValue { spelling.flagBytes[ordinal] = value }
        return false
    }

    // MARK: Known forms

    /// The fields of a DataShape the C SDK sends in nearly every message (``WireKnownForms``), if its
    /// exact bytes start at the cursor; they are then consumed, ordinals included.
    mutating func knownDataShape() -> [FieldDefinition]? {
        guard let index = WireKnownForms.shape(at: UnsafeRawBufferPointer(rebasing: bytes[position...])) else {
            return nil
        }
        let shape = WireKnownForms.shapes[index]
        position &+= shape.bytes.count
        stringOrdinal &+= shape.stringCount
        flagOrdinal &+= shape.flagCount
        return shape.fields
    }

    // MARK: Nesting

    mutating func enterNested(at offset: Int) throws(WireError) {
        depth += 1
        guard depth <= limits.maxNestingDepth else {
            throw WireError(
                .nestingTooDeep,
                at: offset,
                "InfoTables and VARIANTs are nested more than \(limits.maxNestingDepth) levels deep"
            )
        }
    }

    mutating func leaveNested() {
        depth -= 1
    }
}
