extension Participant {
    /// The number a clinician calls when video fails (or, for a phone-only participant, always):
    /// the phone marked as session back-up, else the best-ranked phone, else `nil`.
    ///
    /// Falling back to any phone is deliberate: an unmarked number is better than no call when a
    /// group session drops mid-way.
    public var backupPhone: ContactPoint? {
        let phones = contacts.filter { $0.system == .phone && $0.value.hasContent }
        if let marked = phones.first(where: \.isSessionBackup) { return marked }
        return phones.enumerated().min { lhs, rhs in
            (lhs.element.rank ?? Int.max, lhs.offset) < (rhs.element.rank ?? Int.max, rhs.offset)
        }?.element
    }

    /// Whether the participant can be reached when a session moves to the phone. A participant
    /// without one cannot follow the IOP's outage procedure, which staff need to know at intake.
    public var canFallBackToPhone: Bool { backupPhone != nil }
}
