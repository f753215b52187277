import OutpostSecrets
import Testing

struct SecretValueTests {
    @Test func printing_anyWay_neverShowsTheSecret() {
        let secret = SecretValue("tops3cret")
        var dumped = ""
        dump(secret, to: &dumped)
        for text in ["\(secret)", String(describing: secret), String(reflecting: secret), dumped] {
            #expect(!text.contains("tops3cret"), "\(text)")
        }
        #expect("\(secret)" == "<redacted>")
    }

    @Test func constantTimeEquals_comparesWholeValue() {
        let secret = SecretValue("abc")
        #expect(secret.constantTimeEquals(Array("abc".utf8)))
        #expect(!secret.constantTimeEquals(Array("abd".utf8)))
        #expect(!secret.constantTimeEquals(Array("ab".utf8)))
        #expect(!secret.constantTimeEquals(Array("abcd".utf8)))
    }

    @Test func random_isURLSafeAndUnique() {
        let first = SecretValue.random()
        let second = SecretValue.random()
        #expect(first.byteCount == 43)
        #expect(first.reveal() != second.reveal())
        #expect(first.reveal().allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }
}
