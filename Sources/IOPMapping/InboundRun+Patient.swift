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

        let id: Participant.ID = gatewayID(of: input.entries[position]).map { EntityID($0) }
            ?? StableID.make("participant", [identifiers.map { $0.system + "|" + $0.value }.min() ?? ""])
        let candidate = Participant(id: id, identifiers: identifiers, name: name, birthDate: birthDate, contacts: contacts,
                                    connectionMode: connectionMode, primaryCare: primaryCare)
        let matches = participants.indices.filter { participants[$0].isSamePerson(as: candidate) }
        if let first = matches.first {
            do throws(DomainError) {
                var merged = try participants[first].merged(with: candidate)
                for other in matches.dropFirst().reversed() {
                    merged = try merged.merged(with: participants[other])
                    let removed = participants.remove(at: other)
                    for (key, value) in participantOfTarget where value == removed.id { participantOfTarget[key] = merged.id }
                }
                participants[first] = merged
                participantOfTarget[ResolvedTarget.entry(position).key] = merged.id
                if merged.connectionMode != candidate.connectionMode {
                    warnings.append(warning(position, "extension", "Another Patient for the same person states another preferred channel; the first is kept"))
                }
            } catch {
                refuse(position, "birthDate", .conflict,
                       "Another Patient in the input shares an identifier but states another birth date: \(error.description)")
                return
            }
        } else {
            participants.append(candidate)
            participantOfTarget[ResolvedTarget.entry(position).key] = candidate.id
        }
        verdicts[position] = .mapped(warnings: warnings)
    }
}
