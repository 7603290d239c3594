/// A medication as an RxNorm concept (RXCUI and its name).
///
/// RxNorm because it is what US EHRs code `MedicationRequest.medicationCodeableConcept` with,
/// so the PCP's system can reconcile it with its own medication list.
public struct RxNormConcept: Hashable, Sendable, Codable {
    public static let system = "http://www.nlm.nih.gov/research/umls/rxnorm"

    /// The RXCUI, digits only.
    public let code: String
    /// E.g. "sertraline 50 MG Oral Tablet".
    public let display: String

    /// - Throws: `invalidValue(.rxNormCode)` unless `code` is 1 to 10 ASCII digits, and
    ///   `missingValue(.medicationDisplay)` for a blank display.
    public init(code: String, display: String) throws(DomainError) {
        guard (1...10).contains(code.utf8.count), code.utf8.allSatisfy({ (0x30...0x39).contains($0) }) else {
            throw .invalidValue(.rxNormCode)
        }
        guard display.hasContent else { throw .missingValue(.medicationDisplay) }
        self.code = code
        self.display = display
    }
}
