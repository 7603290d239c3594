import FHIRCore
import FHIRJSON
import FHIRXML

/// Reads a document (JSON or XML, detected), validates the resource, and gives every finding
/// the line and column it concerns. What `fhir-gateway validate`, the import and the HTTP API
/// share, so a file gets the same verdict whichever way it arrives.
public struct DocumentValidator: Sendable {
    public var validator: FHIRValidator
    public var mode: ReadMode
    public var limits: ReadLimits

    public init(validator: FHIRValidator = FHIRValidator(), mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) {
        self.validator = validator
        self.mode = mode
        self.limits = limits
    }

    public struct Outcome: Sendable {
        public var format: InputFormat
        /// `nil` when the bytes could not be read as a resource at all.
        public var resource: FHIRElement?
        /// Reading problems first, then validation findings.
        public var issues: [Issue]
        public var hasErrors: Bool { issues.containsErrors }
    }

    public func validate(_ bytes: [UInt8], profiles: [String] = []) -> Outcome {
        let format = InputFormat.detect(bytes)
        let read = format == .xml
            ? FHIRXMLReader(mode: mode, limits: limits).read(bytes)
            : FHIRJSONReader(mode: mode, limits: limits).read(bytes)
        guard let resource = read.resource else {
            return Outcome(format: format, resource: nil, issues: read.issues)
        }
        var findings = validator.validate(resource, profiles: profiles)
        Self.locate(&findings, in: bytes, format: format)
        return Outcome(format: format, resource: resource, issues: Self.withoutRestated(read.issues) + findings)
    }

    /// A lenient read reports a missing required element or too many items as a warning
    /// (`ReadMode.lenient`); the validator reports each of them again as an error, which is
    /// the verdict, so the reader's warning is left out rather than shown twice.
    private static func withoutRestated(_ issues: [Issue]) -> [Issue] {
        issues.filter { $0.severity != .warning || !OccurrenceFinding.matches($0) }
    }

    /// Finds positions only when there is something to report, so valid input pays nothing.
    private static func locate(_ issues: inout [Issue], in bytes: [UInt8], format: InputFormat) {
        let expressions = Set(issues.compactMap { $0.location == nil ? $0.expression : nil })
        guard !expressions.isEmpty else { return }
        let locations = format == .xml
            ? XMLSourceLocator.locations(of: expressions, in: bytes)
            : JSONSourceLocator.locations(of: expressions, in: bytes)
        for index in issues.indices where issues[index].location == nil {
            if let expression = issues[index].expression { issues[index].location = locations[expression] }
        }
    }
}
