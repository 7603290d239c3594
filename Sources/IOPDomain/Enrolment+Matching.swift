import Foundation

/// Recognising the same referral imported twice or by two routes.
///
/// Run after participant matching (`Participant.merged(with:)`), so both records point at the
/// same `participantID`. Two referrals are the same when they share a usable referral
/// identifier; when either has none, when they come from the same practice within
/// `Enrolment.sameReferralWindow` of each other. A second referral from the same practice weeks
/// later is a new episode, not a duplicate.
extension Enrolment {
    /// How far apart two identifier-less referrals from one practice may be and still be one.
    public static let sameReferralWindow: TimeInterval = 24 * 60 * 60

    public func isSameReferral(as other: Enrolment) -> Bool {
        guard participantID == other.participantID else { return false }
        let mine = Set(referralIdentifiers.filter(\.isUsable))
        let theirs = Set(other.referralIdentifiers.filter(\.isUsable))
        if !mine.isEmpty, !theirs.isEmpty { return !mine.isDisjoint(with: theirs) }
        return referringProvider.practiceID == other.referringProvider.practiceID
            && abs(referredAt.timeIntervalSince(other.referredAt)) <= Enrolment.sameReferralWindow
    }

    /// This enrolment with the referral identifiers, reason and referring clinician `other`
    /// adds. The lifecycle is this record's: a re-sent referral does not move the enrolment.
    ///
    /// - Throws: `noSharedIdentifier(.referralIdentifier)` when `isSameReferral(as:)` is false.
    public func merged(with other: Enrolment) throws(DomainError) -> Enrolment {
        guard isSameReferral(as: other) else { throw .noSharedIdentifier(.referralIdentifier) }
        var result = self
        for identifier in other.referralIdentifiers where !result.referralIdentifiers.contains(identifier) {
            result.referralIdentifiers.append(identifier)
        }
        if result.referralReason == nil { result.referralReason = other.referralReason }
        result.containsPart2Data = result.containsPart2Data || other.containsPart2Data
        if result.referringProvider.clinician == nil { result.referringProvider.clinician = other.referringProvider.clinician }
        return result
    }
}
