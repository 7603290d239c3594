/// A diagnosis as coded by the IOP, e.g. ICD-10-CM `F33.1`.
public struct Diagnosis: Hashable, Sendable, Codable {
    public static let icd10CM = "http://hl7.org/fhir/sid/icd-10-cm"

    public var system: String
    public var code: String
    public var display: String?
    /// Whether this diagnosis is a record of a Part 2 program (a substance-use disorder
    /// diagnosed there), which needs a consent that covers Part 2 records.
    public var isPart2Record: Bool

    /// - Throws: `missingValue(.diagnosisCode)` for a blank system or code.
    public init(system: String = Diagnosis.icd10CM, code: String, display: String? = nil,
                isPart2Record: Bool = false) throws(DomainError) {
        guard system.hasContent, code.hasContent else { throw .missingValue(.diagnosisCode) }
        self.system = system
        self.code = code
        self.display = display
        self.isPart2Record = isPart2Record
    }

    /// Whether the code is an ICD-10-CM substance-related disorder (F10–F19). Being one does not
    /// make it a Part 2 record (that depends on the program), but it is the usual candidate.
    public var isSubstanceUseDisorderCode: Bool {
        guard system == Diagnosis.icd10CM, code.count >= 3, code.hasPrefix("F1") else { return false }
        return code.dropFirst(2).first?.isNumber ?? false
    }
}
