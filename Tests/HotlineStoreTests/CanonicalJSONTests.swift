import Foundation
import Testing

@testable import HotlineStore

@Suite("Canonical JSON of event details")
struct CanonicalJSONTests {
    @Test("keys sorted, strings escaped, and it reads back to the same details")
    func roundTrip() throws {
        let details: [String: [String]] = ["z": ["引号\"和\\反斜杠", "换行\n\t", "\u{01}控制"], "a": [], "m": ["</script>"]]
        let json = details.canonicalJSON
        #expect(json.hasPrefix("{\"a\":[],\"m\":"))
        #expect([String: [String]](json: json) == details)
        let decoded = try JSONDecoder().decode([String: [String]].self, from: Data(json.utf8))
        #expect(decoded == details)
    }
}
