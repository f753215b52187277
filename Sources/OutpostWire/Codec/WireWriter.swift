/// Writes the variable parts of a message (strings, flags, markers, counts) to a ``WireSink`` and
/// applies a recorded ``WireSpelling`` where it still agrees with the value being written.
///
/// Without a spelling (every message built in code) each method is a straight canonical write; the
/// ordinal bookkeeping runs only when there is something to reproduce. Both encoding passes run this
/// same code, so they make the same choices.
struct WireWriter<Sink: WireSink>: ~Copyable {
    var sink: Sink
    private let spelling: WireSpelling?
    private var stringOrdinal = 0
    private var flagOrdinal = 0
    private var nextLongForm = 0
    /// Whether short ASCII strings may be copied as two words (see ``SmallASCIIString``).
    private let composesSmallStrings = SmallASCIIString.isAvailable

    init(sink: consuming Sink, spelling: WireSpelling?) {
        self.sink = sink
        self.spelling = spelling
    }

    /// A length-prefixed string (§4.2).
    @inline(__always)
    mutating func string(_ text: String, _ field: StaticString) throws(WireError) {
        if spelling != nil { return try spelledString(text, field) }
        let count = text.utf8.count
        if composesSmallStrings, let (low, high) = SmallASCIIString.words(of: text, count: count) {
            sink.byte(UInt8(truncatingIfNeeded: count))
            sink.smallString(low: low, high: high, count: count)
            return
        }
        if count < 0x80 {
            sink.byte(UInt8(truncatingIfNeeded: count))
        } else {
            try longLength(count, field)
        }
        sink.utf8(text, count: count)
    }

    private mutating func longLength(_ count: Int, _ field: StaticString) throws(WireError) {
        guard count <= 0x7FFF_FFFF else {
            throw WireError(.notEncodable, at: nil, "the \(field) is \(count) bytes long; the format allows 2^31-1")
        }
        sink.uint32(UInt32(count) | 0x8000_0000)
    }

    private mutating func spelledString(_ text: String, _ field: StaticString) throws(WireError) {
        let ordinal = stringOrdinal
        stringOrdinal += 1
        var raw: [UInt8]? = nil
        if let recorded = spelling!.invalidUTF8Strings[ordinal], String(decoding: recorded, as: UTF8.self) == text {
            raw = recorded
        }
        let count = raw?.count ?? text.utf8.count
        var longForm = count >= 0x80
        let longForms = spelling!.longFormStrings
        while nextLongForm < longForms.count && longForms[nextLongForm] < ordinal { nextLongForm += 1 }
        if nextLongForm < longForms.count && longForms[nextLongForm] == ordinal { longForm = true }
        if longForm {
            try longLength(count, field)
        } else {
            sink.byte(UInt8(truncatingIfNeeded: count))
        }
        if let raw {
            sink.bytes(raw)
        } else {
            sink.utf8(text, count: count)
        }
    }

    /// A byte where 0 means false and anything else true.
    @inline(__always)
    mutating func flag(_ value: Bool) {
        var byte: UInt8 = value ? 1 : 0
        if let recorded = spelling?.flagBytes[flagOrdinal] {
            if (recorded != 0) == value { byte = recorded }
        }
        if spelling != nil { flagOrdinal += 1 }
        sink.byte(byte)
    }

    /// `05` when an InfoTable follows, else `FF` (or the recorded non-`05` byte).
    mutating func contentMarker(_ present: Bool) {
        var byte = present ? BaseType.infoTable.rawValue : BaseType.nothing.rawValue
        if !present, let recorded = spelling?.flagBytes[flagOrdinal], recorded != BaseType.infoTable.rawValue {
            byte = recorded
        }
        if spelling != nil { flagOrdinal += 1 }
        sink.byte(byte)
    }

    /// A count written as one byte (header pairs, claims).
    static func checkedUInt8(_ count: Int, _ what: StaticString) throws(WireError) -> UInt8 {
        guard let value = UInt8(exactly: count) else {
            throw WireError(.notEncodable, at: nil, "\(count) \(what) do not fit the one-byte count (at most 255)")
        }
        return value
    }

    /// A count written as two bytes (aspects, row values, bind names).
    static func checkedUInt16(_ count: Int, _ what: StaticString) throws(WireError) -> UInt16 {
        guard let value = UInt16(exactly: count) else {
            throw WireError(.notEncodable, at: nil, "\(count) \(what) do not fit the two-byte count (at most 65535)")
        }
        return value
    }
}
