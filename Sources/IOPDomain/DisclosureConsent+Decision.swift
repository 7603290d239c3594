import Foundation

extension DisclosureConsent {
    /// Whether this consent permits `disclosure` at `date` (the moment of sending).
    ///
    /// Checks in this order, and the first that fails is the reason: the participant, revocation,
    /// the period (both ends inclusive), the recipient, the category, the purpose, and Part 2
    /// coverage. A permitted disclosure with Part 2 data comes with the §2.32 notice.
    public func permits(_ disclosure: Disclosure, at date: Date) -> ConsentDecision {
        if disclosure.participantID != participantID { return .denied(.participantMismatch) }
        if isRevoked(at: date) { return .denied(.revoked) }
        return permitsUnlessRevoked(disclosure, at: date)
    }

    /// Whether the consent would permit `disclosure` at `date` had it not been revoked: what
    /// tells a revocation's own messages (to be stopped) from others the consent never covered.
    public func wouldPermitUnlessRevoked(_ disclosure: Disclosure, at date: Date) -> Bool {
        disclosure.participantID == participantID && permitsUnlessRevoked(disclosure, at: date).isPermitted
    }

    private func permitsUnlessRevoked(_ disclosure: Disclosure, at date: Date) -> ConsentDecision {
        if period.hasNotStarted(at: date) || date < signedAt { return .denied(.notYetInEffect) }
        if period.hasEnded(at: date) { return .denied(.expired) }
        if !recipients.contains(disclosure.recipient) { return .denied(.recipientNotNamed) }
        if !categories.contains(disclosure.category) { return .denied(.categoryNotCovered) }
        if !purposes.contains(disclosure.purpose) { return .denied(.purposeNotCovered) }
        if disclosure.containsPart2Data, !coversPart2Records { return .denied(.part2NotCovered) }
        return .permitted(consentID: id, redisclosureNotice: disclosure.redisclosureNotice)
    }
}

extension Sequence where Element == DisclosureConsent {
    /// The decision over all of a participant's consents: permitted when any one permits (the
    /// first in order, for the audit record); otherwise the denial of the participant's most
    /// recently signed consent, which is the one staff will look at; `noConsentOnRecord` when
    /// the participant has none.
    public func decision(for disclosure: Disclosure, at date: Date) -> ConsentDecision {
        var latest: (signedAt: Date, decision: ConsentDecision)?
        for consent in self where consent.participantID == disclosure.participantID {
            let decision = consent.permits(disclosure, at: date)
            if decision.isPermitted { return decision }
            if latest == nil || consent.signedAt >= latest!.signedAt { latest = (consent.signedAt, decision) }
        }
        return latest?.decision ?? .denied(.noConsentOnRecord)
    }
}
