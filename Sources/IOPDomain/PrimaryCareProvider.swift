/// A participant's primary-care provider: the practice the gateway reports to and, where known,
/// the clinician there.
///
/// The practice is referenced by ID because its endpoint and delivery profile are configured
/// once per practice, not copied onto every participant.
public struct PrimaryCareProvider: Hashable, Sendable, Codable {
    public var practiceID: PrimaryCarePractice.ID
    public var clinician: Clinician?

    public init(practiceID: PrimaryCarePractice.ID, clinician: Clinician? = nil) {
        self.practiceID = practiceID
        self.clinician = clinician
    }
}
