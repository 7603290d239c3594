import Foundation

/// A broken domain rule.
///
/// Every case carries only closed code sets (statuses, field names, problem kinds), never a
/// `String`, `Date` or identifier: the description of an error ends up in logs, in an
/// `OperationOutcome` and in the dead-letter record, and must never contain patient data
/// (names, phone numbers, identifiers, birth dates, free text). GRDB's `DatabaseError` hides
/// bound arguments for the same reason.
public enum DomainError: Error, Hashable, Sendable, Codable {
    /// The enrolment lifecycle does not allow this step (see `EnrolmentStatus.legalSuccessors`).
    case illegalEnrolmentTransition(from: EnrolmentStatus, to: EnrolmentStatus)
    /// A session cannot move between these statuses (see `SessionStatus.legalSuccessors`).
    case illegalSessionTransition(from: SessionStatus, to: SessionStatus)
    /// A treatment plan cannot move between these statuses.
    case illegalPlanTransition(from: TreatmentPlanStatus, to: TreatmentPlanStatus)
    /// A medication order cannot move between these statuses.
    case illegalMedicationTransition(from: MedicationOrderStatus, to: MedicationOrderStatus)
    /// A change is dated before the change it follows: histories only move forward.
    case changeDatedBeforePrevious(DomainField)
    /// A session cannot be attended or missed before it starts.
    case sessionNotStartedYet(SessionStatus)
    /// This status needs a reason (cancelled and rescheduled sessions, declined enrolments).
    case reasonRequired(DomainField)
    /// A required value is absent or blank.
    case missingValue(DomainField)
    /// A value is outside its allowed range or format.
    case invalidValue(DomainField)
    /// A period ends before it starts.
    case periodEndsBeforeStart(DomainField)
    /// Two records were to be merged but share no identifier (system and value).
    case noSharedIdentifier(DomainField)
    /// Two records share an identifier but disagree on a field that identifies a person.
    case identityConflict(DomainField)
    /// A PCP endpoint is not acceptable.
    case invalidEndpoint(EndpointProblem)
    /// A consent is already revoked, or a revocation predates the signature.
    case invalidRevocation(DomainField)
}

extension DomainError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .illegalEnrolmentTransition(let from, let to):
            "An enrolment cannot go from '\(from.rawValue)' to '\(to.rawValue)'"
        case .illegalSessionTransition(let from, let to):
            "A session cannot go from '\(from.rawValue)' to '\(to.rawValue)'"
        case .illegalPlanTransition(let from, let to):
            "A treatment plan cannot go from '\(from.rawValue)' to '\(to.rawValue)'"
        case .illegalMedicationTransition(let from, let to):
            "A medication order cannot go from '\(from.rawValue)' to '\(to.rawValue)'"
        case .changeDatedBeforePrevious(let field):
            "\(field.rawValue): a change is dated before the previous change"
        case .sessionNotStartedYet(let status):
            "A session cannot be '\(status.rawValue)' before its scheduled start"
        case .reasonRequired(let field):
            "\(field.rawValue): a reason is required"
        case .missingValue(let field):
            "\(field.rawValue): a value is required"
        case .invalidValue(let field):
            "\(field.rawValue): the value is invalid"
        case .periodEndsBeforeStart(let field):
            "\(field.rawValue): the period ends before it starts"
        case .noSharedIdentifier(let field):
            "\(field.rawValue): the records share no identifier and cannot be merged"
        case .identityConflict(let field):
            "\(field.rawValue): records with a shared identifier disagree"
        case .invalidEndpoint(let problem):
            "PCP endpoint: \(problem.description)"
        case .invalidRevocation(let field):
            "\(field.rawValue): the revocation is not acceptable"
        }
    }
}

/// `localizedDescription` is what most log calls print; it must say the same safe thing.
extension DomainError: LocalizedError {
    public var errorDescription: String? { description }
}
