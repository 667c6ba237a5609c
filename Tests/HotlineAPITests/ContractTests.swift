import Foundation
import HotlineCore
import Testing

/// `openapi.yaml` lists exactly the error codes the server can answer with.
@Suite struct ContractTests {
    static let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/HotlineAPI/openapi.yaml")

    @Test func errorCodesInTheContractAreTheServersCodes() throws {
        let spec = try String(contentsOf: Self.specURL, encoding: .utf8)
        let block = try #require(spec.range(of: "    ErrorCode:\n"))
        let rest = spec[block.upperBound...]
        let enumLine = try #require(rest.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix("enum: [") })
        let listed = enumLine.drop { $0 != "[" }.dropFirst().prefix { $0 != "]" }.split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(listed == ErrorCode.allCases.map(\.rawValue))
        #expect(Set(listed).count == listed.count)
    }
}
