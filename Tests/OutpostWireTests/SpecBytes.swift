/// Turns hex as the specs write it into bytes, so test vectors can be pasted from `alwayson.md` and
/// `ems-observed.md` unchanged: hex groups of any even length (`01`, `00000002`, `404799999999999a`),
/// `"text"` or `'text'` for the characters' UTF-8 bytes, and `|` separators, which are ignored.
func specBytes(_ text: String) -> [UInt8] {
    var bytes: [UInt8] = []
    var index = text.startIndex
    while index < text.endIndex {
        let character = text[index]
        if character == "\"" || character == "'" {
            let close = text[text.index(after: index)...].firstIndex(of: character)!
            bytes += Array(text[text.index(after: index)..<close].utf8)
            index = text.index(after: close)
        } else if character.isHexDigit {
            var end = index
            while end < text.endIndex, text[end].isHexDigit { end = text.index(after: end) }
            let token = text[index..<end]
            precondition(token.count % 2 == 0, "odd hex group '\(token)' in test vector")
            var position = token.startIndex
            while position < token.endIndex {
                let next = token.index(position, offsetBy: 2)
                bytes.append(UInt8(token[position..<next], radix: 16)!)
                position = next
            }
            index = end
        } else {
            precondition(character.isWhitespace || character == "|", "unexpected '\(character)' in test vector")
            index = text.index(after: index)
        }
    }
    return bytes
}
