/// Why the templates could not be loaded; the application is not built without all of them.
enum TemplateLoadError: Error, CustomStringConvertible {
    /// A `Template` has no file.
    case missing(String)
    /// A file cannot be read or does not parse.
    case broken(String, any Error)
    /// A `.mustache` file that no `Template` names (add a case for it, or remove it).
    case unknown(String)

    /// The template the error is about, as `admin/units`.
    var template: String {
        switch self {
        case .missing(let name), .broken(let name, _), .unknown(let name): name
        }
    }

    var description: String {
        switch self {
        case .missing(let name): "template \(name) is missing"
        case .broken(let name, let underlying): "template \(name) is broken: \(underlying)"
        case .unknown(let name): "template \(name) is not a known Template"
        }
    }
}
