/// Did-you-mean suggestions for unknown keys.
enum EditDistance {
    /// Damerau-style distance (with adjacent transpositions), case-insensitive, because the typos seen in
    /// hand-edited config files are mostly swapped letters and wrong case (`ws_Servers`, `htpp_server`).
    static func distance(_ lhs: String, _ rhs: String) -> Int {
        let a = Array(lhs.lowercased().unicodeScalars)
        let b = Array(rhs.lowercased().unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previousPrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = Swift.min(current[j], previousPrevious[j - 2] + 1)
                }
            }
            (previousPrevious, previous, current) = (previous, current, previousPrevious)
        }
        return previous[b.count]
    }

    /// The closest candidate within a distance that scales with the word's length, if any.
    static func suggestion(for key: String, among candidates: [String]) -> String? {
        let limit = Swift.max(1, Swift.min(3, key.count / 3))
        var best: (String, Int)?
        for candidate in candidates {
            let normalizedKey = String(key.lowercased().map { $0 == "-" ? "_" : $0 })
            if normalizedKey == candidate.lowercased() { return candidate }
            let score = distance(key, candidate)
            if score <= limit, score < (best?.1 ?? Int.max) {
                best = (candidate, score)
            }
        }
        return best?.0
    }
}
