import FHIRCore

/// Reads FHIR XML (xml.html) from bytes into the same lossless element tree as the JSON
/// reader, on libxml2's SAX2 push parser, checking every element against the catalogue.
///
/// Safe for untrusted input: any DOCTYPE is refused (so no entity can be declared, expanded or
/// fetched), the network is never used, libxml2's unsafe options are never set, and depth,
/// element count and string lengths have limits of our own. libxml2's own messages never reach
/// the issues, since they can quote the document; each is mapped to a message of ours.
public struct FHIRXMLReader: Sendable {
    public var catalogue: TypeCatalogue
    public var mode: ReadMode
    public var limits: ReadLimits

    public init(catalogue: TypeCatalogue = .r4, mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) {
        self.catalogue = catalogue
        self.mode = mode
        self.limits = limits
    }

    public func read(_ bytes: UnsafeRawBufferPointer) -> ReadResult {
        guard bytes.count <= limits.maxDocumentBytes else {
            return ReadResult(resource: nil, issues: [
                Issue(.fatal, .tooLong, "the document is larger than the limit of \(limits.maxDocumentBytes) bytes",
                      location: SourceLocation(line: 1, column: 1)),
            ])
        }
        let builder = UnsafeMutablePointer<XMLTreeBuilder>.allocate(capacity: 1)
        defer { builder.deallocate() }
        builder.initialize(to: XMLTreeBuilder(input: bytes, catalogue: catalogue, mode: mode, limits: limits))
        SAXDriver.parse(bytes, into: builder)
        return builder.move().finish()
    }

    public func read(_ bytes: [UInt8]) -> ReadResult {
        bytes.withUnsafeBytes { read($0) }
    }
}
