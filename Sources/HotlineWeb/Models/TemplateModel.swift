import Mustache

/// A value the templates read by property name, where nil and empty text count as false, as they did in the old
/// dictionary models and as the Mustache spec wants.
///
/// Left alone, swift-mustache reads a struct through `Mirror`: a nil Optional is "not found" (the lookup goes on to the
/// enclosing context, like a key missing from a dictionary), but an empty `String` is a value, so `{{#note}}` would show
/// its section for "". This lookup answers the same as swift-mustache except that empty text becomes `EmptyText`,
/// which renders as nothing and is false in a section. `Bool` and arrays keep swift-mustache's meaning (false and
/// empty are false). Every model, and every struct inside one, conforms.
protocol TemplateModel: MustacheParent, Encodable, Sendable {}

extension TemplateModel {
    func child(named name: String) -> Any? {
        property(named: name)
    }

    /// The stored property `name` as the templates see it: nil when absent or nil, `EmptyText` when empty text.
    func property(named name: String) -> Any? {
        Mirror(reflecting: self).descendant(name).flatMap(TemplateValue.shown)
    }
}

/// How one value looks to a template.
enum TemplateValue {
    /// `value` with its Optional unwrapped (nil when there is none) and empty text made `EmptyText`.
    static func shown(_ value: Any) -> Any? {
        if let optional = value as? any OptionalValue {
            return optional.wrapped.flatMap(shown)
        }
        if let text = value as? String, text.isEmpty { return EmptyText() }
        return value
    }
}

/// Text that is present but empty: renders as nothing and is false in a `{{#section}}`.
struct EmptyText: MustacheCustomRenderable {
    var renderText: String { "" }
    var isNull: Bool { true }
}

/// Lets `TemplateValue` see through an Optional held as `Any`.
private protocol OptionalValue {
    var wrapped: Any? { get }
}

extension Optional: OptionalValue {
    fileprivate var wrapped: Any? { self }
}
