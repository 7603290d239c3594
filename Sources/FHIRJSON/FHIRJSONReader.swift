import FHIRCore

/// Reads FHIR JSON (json.html) from bytes into the lossless element tree, checking every
/// element against the type catalogue as it goes.
///
/// One pass finds as many problems as it can: unknown elements, wrong cardinality, wrong JSON
/// types, bad primitive formats, missing required elements. A syntax error ends the pass (what
/// follows it cannot be read reliably). Every issue carries a FHIRPath expression and the line
/// and column; none carries the value that was wrong.
public struct FHIRJSONReader: Sendable {
    public var catalogue: TypeCatalogue
    public var mode: ReadMode
    public var limits: ReadLimits

    public init(catalogue: TypeCatalogue = .r4, mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) {
        self.catalogue = catalogue
        self.mode = mode
        self.limits = limits
    }

    public func read(_ bytes: UnsafeRawBufferPointer) -> ReadResult {
        var parser = JSONResourceParser(input: bytes, catalogue: catalogue, mode: mode, limits: limits)
        return parser.parseDocument()
    }

    public func read(_ bytes: [UInt8]) -> ReadResult {
        bytes.withUnsafeBytes { read($0) }
    }
}
