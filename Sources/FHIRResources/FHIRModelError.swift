import FHIRCore

/// Why a node of the element tree does not fit a model, and where: `init(element:)` of every
/// model throws it. Like `Issue`, it names elements and types, never values from the data.
public struct FHIRModelError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Problem: Sendable, Hashable {
        /// An element with `min` 1 or more is absent.
        case missingRequired
        /// An element allowed once appears more than once (or a `[x]` choice with two types).
        case repeated
        /// A child the type does not define, not marked as unknown content by a lenient read.
        case unexpectedElement
        /// A value on a node whose type has only child elements.
        case valueOnComplexElement
        /// An XML-attribute element (`id`, `Extension.url`) with children of its own.
        case childrenOnAttribute
        /// A node where a resource is expected has no `resourceType`.
        case notAResource
        /// A resource of another type than the model's.
        case wrongResourceType(expected: String, found: String)
        /// A resource node where a data type or backbone element is expected.
        case resourceWhereElementExpected
    }

    public let problem: Problem
    /// FHIRPath steps, innermost first; the outermost model adds its type last.
    private var reversedSteps: [String]

    init(_ problem: Problem, at step: String? = nil) {
        self.problem = problem
        self.reversedSteps = step.map { [$0] } ?? []
    }

    /// The same error one level further out.
    func under(_ step: String) -> FHIRModelError {
        var copy = self
        copy.reversedSteps.append(step)
        return copy
    }

    /// The FHIRPath of the offending element: `Patient.contact[0].name`.
    public var path: String {
        reversedSteps.reversed().joined(separator: ".")
    }

    public var message: String {
        switch problem {
        case .missingRequired: "a required element is missing"
        case .repeated: "the element is allowed at most once"
        case .unexpectedElement: "the element is not defined here"
        case .valueOnComplexElement: "a value where the type has only child elements"
        case .childrenOnAttribute: "an XML-attribute element cannot carry an id or extensions"
        case .notAResource: "a resource was expected: the node has no resourceType"
        case .wrongResourceType(let expected, let found): "a \(expected) resource was expected, not a \(found)"
        case .resourceWhereElementExpected: "a resource where a data type or backbone element was expected"
        }
    }

    public var description: String { "\(path): \(message)" }
}
