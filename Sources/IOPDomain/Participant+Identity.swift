/// Identity matching: one person, one `Participant`.
///
/// The same referral arrives twice (a retried POST) or by two routes (the PCP's EHR and a file
/// a staff member imports). The rule is deliberately narrow: records are the same person when
/// they share a usable identifier (same system and same value). Names and birth dates are not
/// used to match, since two people share both more often than one expects; a birth date that
/// disagrees between records with a shared identifier is a conflict for a person to resolve.
extension Participant {
    /// The usable identifiers, the keys for matching.
    public var matchKeys: Set<Identifier> { Set(identifiers.filter(\.isUsable)) }

    /// Whether `other` is the same person by the identifier rule.
    public func isSamePerson(as other: Participant) -> Bool {
        !matchKeys.isDisjoint(with: other.matchKeys)
    }

    /// This participant with what `other` adds: identifiers and contacts it lacks, and a birth
    /// date or PCP where this record has none. This record's ID, name and values win otherwise,
    /// as it is the one already stored and possibly corrected by staff.
    ///
    /// - Throws: `noSharedIdentifier(.participantIdentifier)` when the two are not the same
    ///   person by the rule; `identityConflict(.participantBirthDate)` when both carry a birth
    ///   date and they differ.
    public func merged(with other: Participant) throws(DomainError) -> Participant {
        guard isSamePerson(as: other) else { throw .noSharedIdentifier(.participantIdentifier) }
        if let mine = birthDate, let theirs = other.birthDate, mine != theirs {
            throw .identityConflict(.participantBirthDate)
        }
        var result = self
        for identifier in other.identifiers where !result.identifiers.contains(identifier) {
            result.identifiers.append(identifier)
        }
        for contact in other.contacts
        where !result.contacts.contains(where: { $0.system == contact.system && $0.value == contact.value }) {
            var added = contact
            // One back-up number: the stored one keeps the role if it has it.
            if added.isSessionBackup, result.contacts.contains(where: \.isSessionBackup) { added.isSessionBackup = false }
            result.contacts.append(added)
        }
        if result.birthDate == nil { result.birthDate = other.birthDate }
        if result.primaryCare == nil { result.primaryCare = other.primaryCare }
        if result.name.isEmpty { result.name = other.name }
        return result
    }
}

extension Sequence where Element == Participant {
    /// The first participant that is the same person as `candidate`, for the importer's lookup.
    public func firstMatch(for candidate: Participant) -> Participant? {
        first { $0.isSamePerson(as: candidate) }
    }
}
