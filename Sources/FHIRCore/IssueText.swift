/// Wording shared by the JSON and XML readers, so the same problem reads the same whichever
/// format it came in.
extension FormatProblem {
    /// What is wrong with a primitive value, without the value itself.
    public func message(for kind: PrimitiveKind) -> String {
        switch self {
        case .empty: "a value must not be empty"
        case .syntax: "not a valid \(kind.rawValue): expected \(kind.expectedForm)"
        case .outOfRange: "out of range for \(kind.rawValue): expected \(kind.expectedForm)"
        }
    }
}

/// A JSON key or XML element name as it may appear in an issue: element-like names only (at
/// most 64 letters, digits and `_`), since anything else could be data put where a name belongs.
public func displayableName(_ name: UnsafeRawBufferPointer) -> String {
    let plausible = name.count <= 64 && name.allSatisfy { isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
    return plausible ? String(decoding: name, as: UTF8.self) : "(a name that is not an element name)"
}

/// The occurrence rules both readers check while reading (`ReadMode.occurrenceSeverity`): one
/// wording for both formats, and one place that recognises them, so `DocumentValidator` can
/// drop a lenient read's warnings that the validator restates as errors.
public enum OccurrenceFinding {
    public static func missingRequired(_ pathName: String) -> String { "missing required element '\(pathName)'" }

    public static func tooMany(max: Int) -> String { "has more than the \(max) values allowed" }

    /// Whether a reader's issue is one of the two findings above.
    public static func matches(_ issue: Issue) -> Bool {
        switch issue.code {
        case .required: issue.message.hasPrefix("missing required element '")
        case .structure: issue.message.hasPrefix("has more than the ") && issue.message.hasSuffix(" values allowed")
        default: false
        }
    }
}
