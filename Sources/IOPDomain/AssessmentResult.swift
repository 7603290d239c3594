import Foundation

/// A standardised measure's total score. Test results are excluded from psychotherapy notes
/// (45 CFR 164.501), so they may go to the PCP.
public struct AssessmentResult: Hashable, Sendable, Codable {
    public var instrument: AssessmentInstrument
    public var score: Int
    public var takenAt: Date

    /// - Throws: `invalidValue(.assessmentScore)` outside the instrument's range.
    public init(instrument: AssessmentInstrument, score: Int, takenAt: Date) throws(DomainError) {
        guard instrument.scoreRange.contains(score) else { throw .invalidValue(.assessmentScore) }
        self.instrument = instrument
        self.score = score
        self.takenAt = takenAt
    }
}

/// The measures the IOP reports. Raw values are stable codes; `loincCode` is the total score's
/// LOINC code for the mapper.
public enum AssessmentInstrument: String, Hashable, Sendable, Codable, CaseIterable {
    /// Patient Health Questionnaire-9 (depression).
    case phq9 = "phq-9"
    /// Generalized Anxiety Disorder-7.
    case gad7 = "gad-7"

    public var loincCode: String {
        switch self {
        case .phq9: "44261-6"
        case .gad7: "70274-6"
        }
    }

    public var scoreRange: ClosedRange<Int> {
        switch self {
        case .phq9: 0...27
        case .gad7: 0...21
        }
    }
}
