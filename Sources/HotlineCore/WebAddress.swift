import Foundation

/// An address Hotline posts to or links to (a subscriber, the SMS gateway, a call's recording): http or https, with a
/// host, no credentials in it, at most 500 characters.
public enum WebAddress {
    public static func isValid(_ text: String) -> Bool {
        guard text.count <= 500, let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              url.host?.isEmpty == false, url.user == nil, url.password == nil else { return false }
        return true
    }
}
