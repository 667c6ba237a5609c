import Foundation
import HotlineCore

/// JSON text columns of string lists and number maps.
extension Dictionary where Key == String, Value == Double {
    var jsonText: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "{}" }

    init(json: String) {
        self = (try? JSONDecoder().decode([String: Double].self, from: Data(json.utf8))) ?? [:]
    }
}

extension Array where Element == String {
    var jsonText: String { (try? String(decoding: JSONEncoder().encode(self), as: UTF8.self)) ?? "[]" }

    init(json: String) {
        self = (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }
}
