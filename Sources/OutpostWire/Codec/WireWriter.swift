import NIOCore

/// Writes the variable parts of a message (strings, flags, markers) and applies a recorded
/// ``WireSpelling`` where it still agrees with the value being written.
///
/// Without a spelling (every message built in code) each method is a straight canonical write; the
/// ordinal bookkeeping runs only when there is something to reproduce.
struct WireWriter: ~Copyable {
    private let spelling: WireSpelling?
    private var stringOrdinal = 0
    private var flagOrdinal = 0
    private var nextLongForm = 0

    init(spelling: WireSpelling?) {
        self.spelling = spelling
    }

    /// A length-prefixed string (§4.2).
    @inline(__always)
    mutating func string(_ text: String, _ field: StaticString, into buffer: inout ByteBuffer) throws(WireError) {
        if spelling != nil { return try spelledString(text, field, into: &buffer) }
        let count = text.utf8.count
        if count < 0x80 {
            buffer.writeInteger(UInt8(truncatingIfNeeded: count))
        } else {
            try writeLongLength(count, field, into: &buffer)
        }
        buffer.writeString(text)
    }

    private func writeLongLength(_ count: Int, _ field: StaticString, into buffer: inout ByteBuffer) throws(WireError) {
        guard count <= 0x7FFF_FFFF else {
            throw WireError(.notEncodable, at: nil, "the \(field) is \(count) bytes long; the format allows 2^31-1")
        }
        buffer.writeInteger(UInt32(count) | 0x8000_0000)
    }

    private mutating func spelledString(
        _ text: String,
        _ field: StaticString,
        into buffer: inout ByteBuffer
    ) throws(WireError) {
        let ordinal = stringOrdinal
        stringOrdinal += 1
        let spelling = self.spelling!
        var bytes: [UInt8]? = nil
        if let raw = spelling.invalidUTF8Strings[ordinal], String(decoding: raw, as: UTF8.self) == text {
            bytes = raw
        }
        let count = bytes?.count ?? text.utf8.count
        var longForm = count >= 0x80
        let longForms = spelling.longFormStrings
        while nextLongForm < longForms.count && longForms[nextLongForm] < ordinal { nextLongForm += 1 }
        if nextLongForm < longForms.count && longForms[nextLongForm] == ordinal { longForm = true }
        if longForm {
            try writeLongLength(count, field, into: &buffer)
        } else {
            buffer.writeInteger(UInt8(truncatingIfNeeded: count))
        }
        if let bytes {
            buffer.writeBytes(bytes)
        } else {
            buffer.writeString(text)
        }
    }

    /// A byte where 0 means false and anything else true.
    @inline(__always)
    mutating func flag(_ value: Bool, into buffer: inout ByteBuffer) {
        var byte: UInt8 = value ? 1 : 0
        if let spelling {
            if let recorded = spelling.flagBytes[flagOrdinal], (recorded != 0) == value { byte = recorded }
            flagOrdinal += 1
        }
        buffer.writeInteger(byte)
    }

    /// `05` when an InfoTable follows, else `FF` (or the recorded non-`05` byte).
    mutating func contentMarker(_ present: Bool, into buffer: inout ByteBuffer) {
        var byte = present ? BaseType.infoTable.rawValue : BaseType.nothing.rawValue
        if let spelling {
            if !present, let recorded = spelling.flagBytes[flagOrdinal], recorded != BaseType.infoTable.rawValue {
                byte = recorded
            }
            flagOrdinal += 1
        }
        buffer.writeInteger(byte)
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
