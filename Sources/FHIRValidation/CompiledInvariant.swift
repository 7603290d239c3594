import FHIRCore
import FHIRPath

/// An invariant with its FHIRPath expression parsed once, shared by every validation.
///
/// A class: the walk hands one out for every invariant it checks, and a reference costs one
/// retain where this struct of strings and an expression tree cost one for each of them.
final class CompiledInvariant: Sendable {
    let constraint: Constraint
    /// `nil` when the expression does not parse: the invariant is then reported as not checked
    /// instead of being silently skipped.
    let expression: FHIRPathExpression?

    /// A way to know, from the focus alone, that the expression holds (`nil`: evaluate it).
    let shortcut: Shortcut?

    init(constraint: Constraint, expression: FHIRPathExpression?) {
        self.constraint = constraint
        self.expression = expression
        self.shortcut = Self.shortcuts[constraint.expression]
    }

    /// Exact readings of a few expressions that the walk evaluates thousands of times per
    /// Bundle and that hold trivially in the common case; anything else is evaluated in full.
    /// Keyed by the expression's text, so a shortcut only ever stands for that very expression.
    enum Shortcut: Sendable {
        /// True when the focus has no child of this name: each part of the expression is
        /// `name.….empty()`, and an empty path is empty.
        case trueWithoutChild(String)
        /// ref-1: true when `reference` is one value that does not start with `#` (its left
        /// operand `reference.startsWith('#').not()` is then true, and so is the `or`).
        case trueUnlessLocalReference
        /// True when the focus has a child of one of these names (`a.exists() or b.exists()`).
        case trueWithAnyChild([String])
        /// True when the focus has a child named `parent` that has a child named `child`
        /// (`parent.child.exists()`).
        case trueWithGrandchild(parent: String, child: String)
        /// bdl-8: true when `name` is one value whose bytes do not contain `needle` (so neither
        /// can its characters: the needle is ASCII), making `name.contains(needle).not()` true.
        case trueUnlessValueContains(name: String, needle: String)
    }

    static let shortcuts: [String: Shortcut] = [
        "reference.startsWith('#').not() or (reference.substring(1).trace('url') in %rootResource.contained.id.trace('ids'))":
            .trueUnlessLocalReference,
        "contained.contained.empty()": .trueWithoutChild("contained"),
        "contained.meta.versionId.empty() and contained.meta.lastUpdated.empty()": .trueWithoutChild("contained"),
        "contained.meta.security.empty()": .trueWithoutChild("contained"),
        "text.`div`.exists()": .trueWithGrandchild(parent: "text", child: "div"),
        "resource.exists() or request.exists() or response.exists()":
            .trueWithAnyChild(["resource", "request", "response"]),
        "fullUrl.contains('/_history/').not()": .trueUnlessValueContains(name: "fullUrl", needle: "/_history/"),
    ]

    /// Whether the shortcut shows that the expression holds on `element`.
    func holdsTrivially(on element: FHIRElement) -> Bool {
        switch shortcut {
        case nil:
            return false
        case .trueWithoutChild(let name):
            return !element.children.contains { $0.name == name }
        case .trueUnlessLocalReference:
            let children = element.children
            var value: String?
            var count = 0
            for index in children.indices where children[index].name == "reference" {
                count += 1
                value = children[index].value
            }
            // A first byte other than `#` cannot start a string that starts with `#`.
            guard count == 1, let value, let first = value.utf8.first else { return false }
            return first != UInt8(ascii: "#")
        case .trueWithAnyChild(let names):
            return element.children.contains { names.contains($0.name) }
        case .trueWithGrandchild(let parent, let child):
            return element.children.contains { $0.name == parent && $0.children.contains { $0.name == child } }
        case .trueUnlessValueContains(let name, let needle):
            let children = element.children
            var value: String?
            var count = 0
            for index in children.indices where children[index].name == name {
                count += 1
                value = children[index].value
            }
            guard count == 1, let value else { return false }
            return !Self.bytes(of: value, contain: Array(needle.utf8))
        }
    }

    private static func bytes(of text: String, contain needle: [UInt8]) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        return (0...(bytes.count - needle.count)).contains { start in
            needle.indices.allSatisfy { bytes[start + $0] == needle[$0] }
        }
    }

    /// Parses each distinct expression once.
    final class Cache: @unchecked Sendable {
        // Used from one thread at a time: a plan fills it once while it is built (under
        // `static let` or in `FHIRValidator.init`), and each validation run owns its own.
        private var compiled: [String: FHIRPathExpression?] = [:]

        func compile(_ constraint: Constraint) -> CompiledInvariant {
            if let expression = compiled[constraint.expression] {
                return CompiledInvariant(constraint: constraint, expression: expression)
            }
            let expression = try? FHIRPathExpression(constraint.expression)
            compiled[constraint.expression] = expression
            return CompiledInvariant(constraint: constraint, expression: expression)
        }
    }
}
