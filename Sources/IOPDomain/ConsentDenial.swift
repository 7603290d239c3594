/// Why a consent does not permit a disclosure. Raw values are stable codes for the audit log and
/// the dead-letter record; none names the participant.
public enum ConsentDenial: String, Hashable, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// The consent belongs to someone else.
    case participantMismatch = "participant-mismatch"
    /// The participant revoked the consent at or before the send time. Messages already queued
    /// are stopped too: the check runs at send time, not at queue time.
    case revoked
    /// The consent's period has not begun.
    case notYetInEffect = "not-yet-in-effect"
    /// The consent's period has ended.
    case expired
    /// The receiving practice is not named in the consent.
    case recipientNotNamed = "recipient-not-named"
    case categoryNotCovered = "category-not-covered"
    case purposeNotCovered = "purpose-not-covered"
    /// The disclosure carries 42 CFR Part 2 records and the consent does not cover them
    /// explicitly.
    case part2NotCovered = "part2-not-covered"
    /// No consent of the participant is on record.
    case noConsentOnRecord = "no-consent-on-record"

    public var description: String { rawValue }
}
