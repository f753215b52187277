/// Where a decoded message's bytes departed from the canonical encoding without changing its meaning.
///
/// The format lets a sender spell some things more than one way: a short string may use the 4-byte
/// length form, any non-zero byte is "true" for a flag or entry marker, any byte other than `05` means
/// "no parameters", and bytes after the body are ignored (the C SDK pads responses with zeros, §3.2).
/// Decoding records such choices here so that `decode → encode` gives back the exact input bytes; the
/// tools and the fuzzer rely on that.
///
/// Entries are keyed by ordinal: strings are counted in wire order from 0 over every length-prefixed
/// string of the message, and flag bytes likewise over every flag, marker and BOOLEAN byte. Encoding
/// applies an entry only where it still agrees with the value (a recorded flag byte only if it means the
/// same true/false, raw bytes only if they still decode to the same string), so an edited message always
/// encodes to bytes that mean what it says. Set ``AlwaysOnMessage/spelling`` to `nil` for canonical bytes.
public struct WireSpelling: Sendable, Hashable {
    /// Header byte 0 when it is not 1.
    public var version: UInt8?
    /// Header byte 14 of a chunk when it is neither 0 nor 1.
    public var multipartFlag: UInt8?
    /// Ordinals of strings shorter than 128 bytes that were written with the 4-byte length form.
    public var longFormStrings: [Int]
    /// Strings whose bytes were not valid UTF-8: ordinal → original bytes. The Swift string holds the
    /// bytes decoded with U+FFFD replacements, as the Java platform would read them.
    public var invalidUTF8Strings: [Int: [UInt8]]
    /// Flag bytes with a non-canonical value: ordinal → byte (e.g. a BOOLEAN written as `02`, a params
    /// marker of `00` instead of `FF`).
    public var flagBytes: [Int: UInt8]
    /// Bytes after the end of the body.
    public var trailingBytes: [UInt8]

    public init(
        version: UInt8? = nil,
        multipartFlag: UInt8? = nil,
        longFormStrings: [Int] = [],
        invalidUTF8Strings: [Int: [UInt8]] = [:],
        flagBytes: [Int: UInt8] = [:],
        trailingBytes: [UInt8] = []
    ) {
        self.version = version
        self.multipartFlag = multipartFlag
        self.longFormStrings = longFormStrings
        self.invalidUTF8Strings = invalidUTF8Strings
        self.flagBytes = flagBytes
        self.trailingBytes = trailingBytes
    }

    /// True when nothing is recorded, i.e. the canonical encoding applies throughout.
    public var isCanonical: Bool {
        version == nil && multipartFlag == nil && longFormStrings.isEmpty && invalidUTF8Strings.isEmpty
            && flagBytes.isEmpty && trailingBytes.isEmpty
    }
}
