/// The kinds of domain rows (`DomainRow.kind`), one list for the writer and every reader.
public enum DomainRowKind {
    public static let participant = "participant"
    /// Index rows: key `system|value` → the participant's id.
    public static let participantIdentifier = "participant-identifier"
    /// A person's decision on a held pair (`IdentityVerdict`), keyed
    /// `storedID|incomingID|fingerprint`, so the same pair is not held again.
    public static let identityDecision = "identity-decision"
    public static let practice = "practice"
    public static let enrolment = "enrolment"
    public static let session = "session"
    public static let treatmentPlan = "treatment-plan"
    public static let medicationOrder = "medication-order"
    public static let careMessage = "care-message"
    public static let consent = "consent"
    public static let progressSummary = "progress-summary"
    /// A `MedicationChange` the gateway observed, keyed by order, kind and time.
    public static let medicationChange = "medication-change"
    /// The `DisclosureIntent` of a queued update, keyed by outbound message id.
    public static let disclosureIntent = "disclosure-intent"
    /// A `DisclosureLogEntry`, keyed by outbound message id: written when the receiver took it.
    public static let disclosure = "disclosure"
    /// A participant's `SummarySchedule`, keyed by participant id.
    public static let summarySchedule = "summary-schedule"
}
