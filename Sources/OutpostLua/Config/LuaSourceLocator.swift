import Foundation
import OutpostConfig

/// Finds where a key is written in Lua source, so findings point at `file:line:column` like config.json's.
///
/// Lua reports the line of an assignment's last token; a multi-line `scripts.X = { … }` is searched
/// backwards from there for `scripts.X`, and its members between that line and the end.
struct LuaSourceLocator {
    private let lines: [Substring]

    init(_ text: String) {
        lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    }

    /// The column of `prefix.key` (pointing at the key) at or above `endingAt`; column 1 when not found.
    func position(ofKey key: String, prefix: String?, endingAt line: Int) -> SourcePosition {
        let lowest = max(1, line - 200)
        var current = min(line, lines.count)
        while current >= lowest {
            let text = String(lines[current - 1])
            let needles = prefix.map { ["\($0).\(key)", "\($0)[\"\(key)\"]", "\($0)['\(key)']"] } ?? [key]
            for needle in needles {
                if let column = Self.column(of: needle, in: text, wordBoundary: true) {
                    let offset = prefix.map { $0.count + (needle.hasPrefix("\($0).") ? 1 : 2) } ?? 0
                    return SourcePosition(line: current, column: column + offset)
                }
            }
            current -= 1
        }
        return SourcePosition(line: line, column: 1)
    }

    /// Where `key =` appears between two lines (a table constructor's member).
    func position(ofMember key: String, from first: Int, to last: Int) -> SourcePosition? {
        guard first >= 1, first <= last else { return nil }
        for line in first...min(last, lines.count) {
            let text = String(lines[line - 1])
            var searchStart = text.startIndex
            while let range = text.range(of: key, range: searchStart..<text.endIndex) {
                let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
                let after = text[range.upperBound...].drop { $0 == " " || $0 == "\t" }
                if !(before.map(Self.isWord) ?? false), after.hasPrefix("="), !after.hasPrefix("==") {
                    return SourcePosition(line: line, column: text.distance(from: text.startIndex, to: range.lowerBound) + 1)
                }
                searchStart = range.upperBound
            }
        }
        return nil
    }

    private static func column(of needle: String, in text: String, wordBoundary: Bool) -> Int? {
        var searchStart = text.startIndex
        while let range = text.range(of: needle, range: searchStart..<text.endIndex) {
            let before = range.lowerBound == text.startIndex ? nil : text[text.index(before: range.lowerBound)]
            let after = range.upperBound == text.endIndex ? nil : text[range.upperBound]
            if !wordBoundary || (!(before.map(isWord) ?? false) && !(after.map(isWord) ?? false)) {
                return text.distance(from: text.startIndex, to: range.lowerBound) + 1
            }
            searchStart = range.upperBound
        }
        return nil
    }

    private static func isWord(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "_" || character == "."
    }
}
