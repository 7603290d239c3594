/// Identity matching: one person, one `Participant`.
///
/// The same referral arrives twice (a retried POST) or by two routes (the PCP's EHR and a file
/// a staff member imports). `isSamePerson` is the bare fact that two records share a usable
/// identifier (same system and same value); which shared identifiers are enough to merge, and
/// when a person must decide, is the deployment's `IdentityPolicy`. Names and birth dates never
/// make a match, since two people share both more often than one expects.
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
        return absorbing(other)
    }

    /// This participant with what `other` adds, as `merged(with:)` but without its checks: for
    /// records that `IdentityPolicy` or a person (`identities merge`) has already decided are
    /// one person. This record's values win where both have one.
    public func absorbing(_ other: Participant) -> Participant {
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

extension Participant {
    /// The same record under another id (a person kept apart from the one holding this id).
    public func withID(_ id: ID) -> Participant {
        Participant(id: id, identifiers: identifiers, name: name, birthDate: birthDate, contacts: contacts,
                    connectionMode: connectionMode, primaryCare: primaryCare)
    }

    /// What identifies this record as a person (identifiers, birth date, name parts) in a fixed
    /// order, for a fingerprint that tells one held record from another under the same id.
    public var identityFacts: [String] {
        identifiers.sorted().map { "\($0.system)|\($0.value)" } + ["birthDate", birthDate?.description ?? "",
            "family", name.family ?? ""] + name.given
    }
}
