/// How much and how often: "50 mg once a day", "0.5 mg up to twice a day as needed".
public struct Dose: Hashable, Sendable, Codable {
    public var quantity: DoseQuantity
    public var timesPerPeriod: Int
    public var period: DosePeriod
    /// PRN: taken when needed, `timesPerPeriod` being the maximum.
    public var asNeeded: Bool
    /// Instructions as written for the patient, e.g. "take with food".
    public var instructions: String?

    /// - Throws: `invalidValue(.doseFrequency)` unless `timesPerPeriod` is 1...24.
    public init(quantity: DoseQuantity, timesPerPeriod: Int, period: DosePeriod, asNeeded: Bool = false,
                instructions: String? = nil) throws(DomainError) {
        guard (1...24).contains(timesPerPeriod) else { throw .invalidValue(.doseFrequency) }
        self.quantity = quantity
        self.timesPerPeriod = timesPerPeriod
        self.period = period
        self.asNeeded = asNeeded
        self.instructions = instructions
    }
}

/// The period a dose frequency counts over. Raw values are UCUM codes, as FHIR `Timing` uses.
public enum DosePeriod: String, Hashable, Sendable, Codable, CaseIterable {
    case day = "d"
    case week = "wk"
}
