/// A strict RFC 8259 JSON parser that records the position of every value and object key.
///
/// It exists because configuration errors must be reported as `config.json:LINE:COL: message`, and
/// because the mistakes operators actually make (Windows paths with single backslashes, trailing
/// commas, comments copied from `config.json.documented`) deserve a message that names the fix.
public struct JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack on a hostile file.
    public static let maximumDepth = 128

    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var depth = 0

    private init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses one complete JSON document.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> JSONNode {
        var parser = JSONParser(bytes)
        parser.skipByteOrderMark()
        parser.skipWhitespace()
        guard parser.index < bytes.count else {
            throw JSONSyntaxError(position: parser.position, message: "the file is empty; expected a JSON object")
        }
        let node = try parser.parseValue()
        parser.skipWhitespace()
        if parser.index < bytes.count {
            throw parser.error("unexpected \(parser.describeCurrent()) after the end of the top-level value")
        }
        return node
    }

    public static func parse(_ text: String) throws(JSONSyntaxError) -> JSONNode {
        try parse(Array(text.utf8))
    }

    // MARK: - Values

    private mutating func parseValue() throws(JSONSyntaxError) -> JSONNode {
        let start = position
        guard let byte = current else {
            throw error("unexpected end of file; expected a value")
        }
        switch byte {
        case UInt8(ascii: "{"): return try parseObject(start)
        case UInt8(ascii: "["): return try parseArray(start)
        case UInt8(ascii: "\""): return JSONNode(.string(try parseString()), at: start)
        case UInt8(ascii: "t"): try expectLiteral("true"); return JSONNode(.bool(true), at: start)
        case UInt8(ascii: "f"): try expectLiteral("false"); return JSONNode(.bool(false), at: start)
        case UInt8(ascii: "n"): try expectLiteral("null"); return JSONNode(.null, at: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return JSONNode(.number(try parseNumber()), at: start)
        case UInt8(ascii: "'"):
            throw error("strings must use double quotes (\"), not single quotes")
        case UInt8(ascii: "/"):
            throw error("comments are not allowed in JSON; remove them (config.json.documented is not loadable)")
        default:
            if Self.isIdentifierByte(byte) {
                throw JSONSyntaxError(position: start, message: "unexpected '\(wordAtCursor())'; expected a value (text must be in double quotes)")
            }
            throw error("unexpected \(describeCurrent()); expected a value (object, array, string, number, true, false or null)")
        }
    }

    private mutating func parseObject(_ start: SourcePosition) throws(JSONSyntaxError) -> JSONNode {
        try enterNesting()
        advance()  // {
        var members: [JSONNode.Member] = []
        skipWhitespace()
        if current == UInt8(ascii: "}") {
            advance()
            depth -= 1
            return JSONNode(.object(members), at: start)
        }
        while true {
            skipWhitespace()
            guard let byte = current else { throw error("unexpected end of file inside an object; a '}' is missing") }
            if byte == UInt8(ascii: "}") {
                throw error("trailing comma before '}'; remove the last ','")
            }
            guard byte == UInt8(ascii: "\"") else {
                if byte == UInt8(ascii: "/") { throw error("comments are not allowed in JSON; remove them") }
                throw error("expected a quoted key, found \(describeCurrent())")
            }
            let keyPosition = position
            let key = try parseString()
            skipWhitespace()
            guard current == UInt8(ascii: ":") else {
                throw error("expected ':' after key \"\(key)\", found \(describeCurrent())")
            }
            advance()
            skipWhitespace()
            let value = try parseValue()
            members.append(JSONNode.Member(key: key, keyPosition: keyPosition, value: value))
            skipWhitespace()
            guard let next = current else { throw error("unexpected end of file inside an object; a '}' is missing") }
            if next == UInt8(ascii: ",") {
                advance()
                continue
            }
            if next == UInt8(ascii: "}") {
                advance()
                depth -= 1
                return JSONNode(.object(members), at: start)
            }
            if next == UInt8(ascii: "\"") {
                throw error("expected ',' or '}' after the value of \"\(key)\"; a ',' is probably missing")
            }
            throw error("expected ',' or '}' after the value of \"\(key)\", found \(describeCurrent())")
        }
    }

    private mutating func parseArray(_ start: SourcePosition) throws(JSONSyntaxError) -> JSONNode {
        try enterNesting()
        advance()  // [
        var items: [JSONNode] = []
        skipWhitespace()
        if current == UInt8(ascii: "]") {
            advance()
            depth -= 1
            return JSONNode(.array(items), at: start)
        }
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "]") {
                throw error("trailing comma before ']'; remove the last ','")
            }
            items.append(try parseValue())
            skipWhitespace()
            guard let next = current else { throw error("unexpected end of file inside an array; a ']' is missing") }
            if next == UInt8(ascii: ",") {
                advance()
                continue
            }
            if next == UInt8(ascii: "]") {
                advance()
                depth -= 1
                return JSONNode(.array(items), at: start)
            }
            throw error("expected ',' or ']' in an array, found \(describeCurrent())")
        }
    }

    private mutating func enterNesting() throws(JSONSyntaxError) {
        depth += 1
        if depth > Self.maximumDepth {
            throw error("nesting deeper than \(Self.maximumDepth) levels")
        }
    }

    // MARK: - Strings

    private mutating func parseString() throws(JSONSyntaxError) -> String {
        let opening = position
        advance()  // "
        var utf8: [UInt8] = []
        while true {
            guard let byte = current else {
                throw JSONSyntaxError(position: opening, message: "unterminated string; a closing '\"' is missing")
            }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                guard let text = String(validating: utf8, as: UTF8.self) else {
                    throw JSONSyntaxError(position: opening, message: "string is not valid UTF-8")
                }
                return text
            case UInt8(ascii: "\\"):
                try parseEscape(into: &utf8)
            case 0x0A, 0x0D:
                throw error("line break inside a string; a closing '\"' is probably missing")
            case 0x00..<0x20:
                throw error("control character 0x\(String(byte, radix: 16)) inside a string; write it as an escape such as \\t")
            default:
                utf8.append(byte)
                advance()
            }
        }
    }

    private mutating func parseEscape(into utf8: inout [UInt8]) throws(JSONSyntaxError) {
        let escapePosition = position
        advance()  // backslash
        guard let byte = current else { throw error("unexpected end of file after '\\'") }
        let simple: UInt8?
        switch byte {
        case UInt8(ascii: "\""): simple = UInt8(ascii: "\"")
        case UInt8(ascii: "\\"): simple = UInt8(ascii: "\\")
        case UInt8(ascii: "/"): simple = UInt8(ascii: "/")
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0C
        case UInt8(ascii: "n"): simple = 0x0A
        case UInt8(ascii: "r"): simple = 0x0D
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            let shown = byte < 0x80 ? String(UnicodeScalar(byte)) : "?"
            throw JSONSyntaxError(
                position: escapePosition,
                message: "invalid escape '\\\(shown)' in a string; write a backslash as '\\\\' (Windows paths: C:\\\\dir or C:/dir)"
            )
        }
        if let simple {
            utf8.append(simple)
            advance()
            return
        }
        advance()  // u
        var scalar = try parseHex4(escapePosition)
        if (0xD800...0xDBFF).contains(scalar) {
            guard current == UInt8(ascii: "\\"), peek(1) == UInt8(ascii: "u") else {
                throw JSONSyntaxError(position: escapePosition, message: "unpaired UTF-16 surrogate \\u\(String(scalar, radix: 16))")
            }
            advance()
            advance()
            let low = try parseHex4(escapePosition)
            guard (0xDC00...0xDFFF).contains(low) else {
                throw JSONSyntaxError(position: escapePosition, message: "unpaired UTF-16 surrogate \\u\(String(scalar, radix: 16))")
            }
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
        } else if (0xDC00...0xDFFF).contains(scalar) {
            throw JSONSyntaxError(position: escapePosition, message: "unpaired UTF-16 surrogate \\u\(String(scalar, radix: 16))")
        }
        guard let unicode = Unicode.Scalar(scalar) else {
            throw JSONSyntaxError(position: escapePosition, message: "invalid Unicode escape")
        }
        utf8.append(contentsOf: Array(String(Character(unicode)).utf8))
    }

    private mutating func parseHex4(_ escapePosition: SourcePosition) throws(JSONSyntaxError) -> UInt32 {
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = current, let digit = Self.hexValue(byte) else {
                throw JSONSyntaxError(position: escapePosition, message: "invalid \\u escape; expected four hex digits")
            }
            value = value << 4 | UInt32(digit)
            advance()
        }
        return value
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    // MARK: - Numbers and literals

    private mutating func parseNumber() throws(JSONSyntaxError) -> JSONNumber {
        let startIndex = index
        if current == UInt8(ascii: "-") { advance() }
        guard let first = current, Self.isDigit(first) else {
            throw error("invalid number: expected a digit after '-'")
        }
        if first == UInt8(ascii: "0"), let next = peek(1), Self.isDigit(next) {
            throw error("invalid number: leading zeros are not allowed")
        }
        while let byte = current, Self.isDigit(byte) { advance() }
        var isInteger = true
        if current == UInt8(ascii: ".") {
            isInteger = false
            advance()
            guard let byte = current, Self.isDigit(byte) else { throw error("invalid number: expected a digit after '.'") }
            while let byte = current, Self.isDigit(byte) { advance() }
        }
        if current == UInt8(ascii: "e") || current == UInt8(ascii: "E") {
            isInteger = false
            advance()
            if current == UInt8(ascii: "+") || current == UInt8(ascii: "-") { advance() }
            guard let byte = current, Self.isDigit(byte) else { throw error("invalid number: expected a digit in the exponent") }
            while let byte = current, Self.isDigit(byte) { advance() }
        }
        if let byte = current, Self.isIdentifierByte(byte) {
            throw error("invalid number: unexpected \(describeCurrent()); quote text values")
        }
        let text = String(decoding: bytes[startIndex..<index], as: UTF8.self)
        let integer = isInteger ? Int64(text) : nil
        return JSONNumber(text: text, integer: integer, double: Double(text) ?? .nan)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let start = position
        let startIndex = index
        var matched = true
        literal.withUTF8Buffer { expected in
            for (offset, byte) in expected.enumerated() where startIndex + offset >= bytes.count || bytes[startIndex + offset] != byte {
                matched = false
                break
            }
        }
        let length = literal.utf8CodeUnitCount
        if matched, startIndex + length < bytes.count, Self.isIdentifierByte(bytes[startIndex + length]) {
            matched = false
        }
        guard matched else {
            throw JSONSyntaxError(position: start, message: "unexpected '\(wordAtCursor())'; expected a value (text must be in double quotes)")
        }
        for _ in 0..<length { advance() }
    }

    // MARK: - Cursor

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }

    private func peek(_ offset: Int) -> UInt8? {
        index + offset < bytes.count ? bytes[index + offset] : nil
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private mutating func advance() {
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipWhitespace() {
        while let byte = current, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
            advance()
        }
    }

    private mutating func skipByteOrderMark() {
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF {
            index = 3
        }
    }

    private func error(_ message: String) -> JSONSyntaxError {
        JSONSyntaxError(position: position, message: message)
    }

    /// The bare word starting at the cursor (at most 32 bytes), for "unexpected 'yes'" messages.
    private func wordAtCursor() -> String {
        var end = index
        while end < bytes.count, Self.isIdentifierByte(bytes[end]), end - index < 32 { end += 1 }
        return String(decoding: bytes[index..<max(end, index + 1)], as: UTF8.self)
    }

    private func describeCurrent() -> String {
        guard let byte = current else { return "end of file" }
        if byte >= 0x21, byte < 0x7F { return "'\(Character(UnicodeScalar(byte)))'" }
        return "byte 0x\(String(byte, radix: 16, uppercase: true))"
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    private static func isIdentifierByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || byte == UInt8(ascii: "_")
    }
}
