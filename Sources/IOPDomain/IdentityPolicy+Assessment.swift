import Foundation

extension IdentityPolicy {
    /// Whether `incoming` is the person `stored` is, by this policy.
    ///
    /// A shared identifier matches when the policy lets it match as either record describes it
    /// (one sender may give the type `MR`, the other none) and neither describes it as a
    /// document. Birth dates disagree when both records have one and they differ; names when
    /// both have a family name, or both a first given name, and those differ ignoring case and
    /// diacritics (`Nguyễn` and `NGUYEN` are one spelling; `Ann` and `Anne` are not).
    public func assess(stored: Participant, incoming: Participant) -> IdentityAssessment {
        let storedForms = Dictionary(stored.identifiers.filter(\.isUsable).map { ($0, $0) }, uniquingKeysWith: { first, _ in first })
        let sharedPairs = incoming.identifiers.filter(\.isUsable).compactMap { mine in storedForms[mine].map { ($0, mine) } }
        // The gateway's own id is the gateway's own identifier, which always matches: a record
        // mapped to the id on record (from the same matching identifier, or from the very same
        // set of identifiers when it has none that can match) is that participant's.
        guard !sharedPairs.isEmpty || stored.id == incoming.id else { return .differentPeople }
        let matching = stored.id == incoming.id || sharedPairs.contains { storedForm, incomingForm in
            !Self.isDocument(storedForm) && !Self.isDocument(incomingForm) && (canMatch(storedForm) || canMatch(incomingForm))
        }
        guard matching else { return reviewsSharedNonMatchingIdentifiers ? .review([.participantIdentifier]) : .differentPeople }
        var fields: [DomainField] = []
        if let mine = stored.birthDate, let theirs = incoming.birthDate, mine != theirs { fields.append(.participantBirthDate) }
        if Self.namesDisagree(stored.name, incoming.name) { fields.append(.participantName) }
        return fields.isEmpty ? .samePerson : .review(fields)
    }

    static func namesDisagree(_ a: PersonName, _ b: PersonName) -> Bool {
        func differ(_ x: String?, _ y: String?) -> Bool {
            guard let x, let y, x.hasContent, y.hasContent else { return false }
            return x.compare(y, options: [.caseInsensitive, .diacriticInsensitive]) != .orderedSame
        }
        return differ(a.family, b.family) || differ(a.given.first, b.given.first)
    }
}
