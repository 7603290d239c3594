import FHIRCore
import FHIRResources
import IOPDomain

/// Patient → Participant.
extension InboundRun {
    func mapPatient(_ patient: Patient, at position: Int) {
        var warnings: [Issue] = []
        var identifiers: [BusinessIdentifier] = []
        for (index, identifier) in patient.identifier.enumerated() {
            if let usable = Self.businessIdentifier(identifier) {
                if !identifiers.contains(usable) { identifiers.append(usable) }
            } else {
                warnings.append(warning(position, "identifier[\(index)]",
                                        "An identifier without both system and value cannot be matched and is not carried"))
            }
        }
        guard !identifiers.isEmpty else {
            refuse(position, "identifier", .required,
                   "A participant needs at least one identifier with a system and a value, to be matched safely")
            return
        }
        if patient.name.count > 1 {
            warnings.append(warning(position, "name", "Only the official (else usual, else first) name is carried"))
        }
        let name = Self.personName(Self.preferredName(patient.name))
        if name.isEmpty { warnings.append(warning(position, "name", "The participant has no name")) }

        var birthDate: CalendarDate?
        if let lexeme = patient.birthDate?.value {
            if let date = try? CalendarDate(lexeme) {
                birthDate = date
            } else {
                warnings.append(warning(position, "birthDate",
                                        "A partial birth date (year or year and month) is not carried; the participant has none on record"))
            }
        }

        var contacts: [IOPDomain.ContactPoint] = []
        for (index, telecom) in patient.telecom.enumerated() {
            guard let value = telecom.value?.value, value.contains(where: { !$0.isWhitespace }) else { continue }
            guard let system = telecom.system?.value.flatMap(ContactSystem.init(rawValue:)) else {
                warnings.append(warning(position, "telecom[\(index)]",
                                        "Only phone, sms and email contacts are carried; this contact point is not"))
                continue
            }
            if telecom.period?.end != nil {
                warnings.append(warning(position, "telecom[\(index)].period", "A contact point's period is not carried"))
            }
            var use: ContactUse?
            if let code = telecom.use?.value {
                use = ContactUse(rawValue: code)
                if use == nil { warnings.append(warning(position, "telecom[\(index)].use", "The contact use '\(code)' is not carried")) }
            }
            let backup: Bool
            if case .boolean(let flag)? = telecom.extension.value(of: IOPCanonical.Extension.sessionBackup) {
                backup = flag.bool == true && system == .phone
            } else {
                backup = false
            }
            contacts.append(IOPDomain.ContactPoint(system: system, value: value, use: use, rank: telecom.rank?.int,
                                                   isSessionBackup: backup))
        }
        if !contacts.contains(where: { $0.system == .phone }) {
            warnings.append(warning(position, "telecom", "The participant has no phone: sessions cannot fall back to the phone"))
        }

        var connectionMode = ConnectionMode.video
        if case .code(let code)? = patient.extension.value(of: IOPCanonical.Extension.preferredChannel) {
            switch code.value {
            case "phone": connectionMode = .phoneOnly
            case "video": connectionMode = .video
            default: warnings.append(warning(position, "extension", "The preferred channel is not video or phone; video is assumed"))
            }
        }

        var primaryCare: PrimaryCareProvider?
        let practitionerRefs = patient.generalPractitioner
        if !practitionerRefs.isEmpty {
            // The Organization gives the practice; a Practitioner or PractitionerRole beside it the clinician.
            let providers = practitionerRefs.compactMap { provider(for: $0, from: position) }
            if let practice = providers.first(where: { $0.clinician == nil }) ?? providers.first {
                primaryCare = PrimaryCareProvider(practiceID: practice.practiceID,
                                                  clinician: providers.lazy.compactMap(\.clinician).first)
            } else {
                warnings.append(warning(position, "generalPractitioner",
                                        "The primary-care provider is not in the input; the participant has no PCP on record"))
            }
            if providers.count < practitionerRefs.count, primaryCare != nil {
                warnings.append(warning(position, "generalPractitioner", "A primary-care reference does not resolve within the input"))
            }
        }

        let policy = configuration.identityPolicy
        let keys = identifiers.map { $0.system + "|" + $0.value }
        let matchKeys = identifiers.filter(policy.canMatch).map { $0.system + "|" + $0.value }
        var id: Participant.ID
        if let own = gatewayID(of: input.entries[position]) {
            id = EntityID(own)
        } else {
            // From an identifier that can match, else from all of them, so two people sharing
            // only a driver's licence never get one id (one id is one person: IdentityPolicy).
            id = matchKeys.min().map { StableID.make("participant", [$0]) } ?? StableID.make("participant-by-all", keys.sorted())
            let legacy: Participant.ID = StableID.legacy("participant", [keys.min() ?? ""])
            records.legacyIDs[id.rawValue] = legacy.rawValue
        }
        let candidate = Participant(id: id, identifiers: identifiers, name: name, birthDate: birthDate, contacts: contacts,
                                    connectionMode: connectionMode, primaryCare: primaryCare)
        var matches: [Int] = []
        for index in participants.indices {
            switch policy.assess(stored: participants[index], incoming: candidate) {
            case .samePerson: matches.append(index)
            case .differentPeople: continue
            case .review(let fields) where fields != [.participantIdentifier]:
                refuse(position, fields.contains(.participantBirthDate) ? "birthDate" : "name", .conflict,
                       "Another Patient in the input shares a matching identifier but disagrees on "
                           + fields.map(\.rawValue).joined(separator: ", ") + "; the sender must correct one of them")
                return
            case .review:
                // Only a document (SSN, licence) in common: two people within one input.
                continue
            }
        }
        if participants.contains(where: { $0.id == candidate.id }), matches.isEmpty {
            id = StableID.make("participant", [candidate.id.rawValue, "entry", String(position)])
        }
        let distinct = Participant(id: id, identifiers: identifiers, name: name, birthDate: birthDate, contacts: contacts,
                                   connectionMode: connectionMode, primaryCare: primaryCare)
        if let first = matches.first {
            var merged = participants[first].absorbing(distinct)
            for other in matches.dropFirst().reversed() {
                merged = merged.absorbing(participants[other])
                let removed = participants.remove(at: other)
                for (key, value) in participantOfTarget where value == removed.id { participantOfTarget[key] = merged.id }
            }
            participants[first] = merged
            participantOfTarget[ResolvedTarget.entry(position).key] = merged.id
            if merged.connectionMode != distinct.connectionMode {
                warnings.append(warning(position, "extension", "Another Patient for the same person states another preferred channel; the first is kept"))
            }
        } else {
            participants.append(distinct)
            participantOfTarget[ResolvedTarget.entry(position).key] = distinct.id
        }
        verdicts[position] = .mapped(warnings: warnings)
    }
}
