import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// Communication → CareMessage; DocumentReference (a progress note) → not mapped back.
extension InboundRun {
    func mapCommunication(_ communication: Communication, at position: Int) {
        var warnings: [Issue] = []
        guard let participantID = participant(for: communication.subject, from: position) else {
            unplaced(position, "subject", "The message's subject is not a Patient in the input")
            return
        }
        var category = CareMessageCategory.administrative
        if let code = communication.category.lazy.compactMap({ $0.code(in: IOPCanonical.CodeSystem.careMessageCategory) }).first,
           let value = CareMessageCategory(rawValue: code) {
            category = value
        } else {
            warnings.append(warning(position, "category", "The message has no IOP message category; 'administrative' is recorded"))
        }
        var priority = MessagePriority.routine
        if let code = communication.priority?.value {
            priority = MessagePriority(rawValue: code) ?? .routine
        }
        var texts: [String] = []
        for (index, payload) in communication.payload.enumerated() {
            switch payload.content {
            case .string(let string):
                guard let text = string.value else { continue }
                // The §2.32 notice travels with Part 2 content; it is not part of the message.
                if text == RedisclosureNotice.part2ShortForm { continue }
                texts.append(text)
            case .attachment:
                warnings.append(warning(position, "payload[\(index)]", "An attached payload is not carried"))
            case .reference:
                warnings.append(warning(position, "payload[\(index)]", "A payload by reference is not carried (the referenced resource is mapped on its own)"))
            }
        }
        var recipients: [CareParty] = []
        for reference in communication.recipient {
            if let party = careParty(for: reference, from: position), !recipients.contains(party) { recipients.append(party) }
        }
        let sender: CareParty = communication.sender.flatMap { careParty(for: $0, from: position) } ?? .program
        let createdAt = date(communication.sent?.value) ?? date(input.timestamp)
        guard let createdAt else {
            refuse(position, "sent", .required, "The message has no date it was sent and the input has no timestamp")
            return
        }
        if communication.sent == nil { warnings.append(warning(position, "sent", "The message has no sent date; the Bundle's timestamp is used")) }
        if let status = communication.status.value, status != "completed", status != "in-progress", status != "preparation" {
            warnings.append(warning(position, "status", "The message status '\(status)' is not carried"))
        }
        var sessionID: ProgramSession.ID?
        for reference in communication.about {
            if let session = referencedEntry(reference, from: position, type: "Appointment") {
                let sessionPatients = records.sessions.filter { $0.participantID == participantID }
                let single: ProgramSession.ID = recordID("session", at: session)
                let multiple: ProgramSession.ID = recordID("session", at: session, extra: [participantID.rawValue])
                sessionID = sessionPatients.contains { $0.id == single } ? single : multiple
                break
            }
        }
        do throws(DomainError) {
            let message = try CareMessage(id: recordID("care-message", at: position), participantID: participantID, sender: sender,
                                          recipients: recipients, category: category, priority: priority,
                                          text: texts.joined(separator: "\n"), createdAt: createdAt, sessionID: sessionID,
                                          containsPart2Data: input.entries[position].resource?.isLabelledPart2 ?? false)
            records.careMessages.append(message)
            verdicts[position] = .mapped(warnings: warnings)
        } catch .missingValue(.messageRecipients) {
            refuse(position, "recipient", .required, "The message has no recipient that resolves to a practice or clinician")
        } catch {
            refuse(position, "payload", .required, "The message has no text")
        }
    }

    /// A recipient or sender: the PCP practice (and clinician) when the reference resolves to
    /// primary care; an IOP clinician when it is a Practitioner not tied to a practice.
    func careParty(for reference: Reference, from position: Int) -> CareParty? {
        guard let target = input.resolve(reference, from: position) else { return nil }
        switch input.resource(at: target) {
        case .organization, .practitionerRole:
            return provider(at: target).map(CareParty.primaryCare)
        case .practitioner(let practitioner):
            if affiliation[target.key] != nil || isNamedAsPrimaryCare(target) {
                return provider(at: target).map(CareParty.primaryCare)
            }
            return .iopClinician(clinician(practitioner, at: target))
        default:
            return nil
        }
    }

    /// Whether a Patient of the input names the target as its primary care.
    func isNamedAsPrimaryCare(_ target: ResolvedTarget) -> Bool {
        input.entries.indices.contains { position in
            guard case .patient(let patient) = input.entries[position].resource else { return false }
            return patient.generalPractitioner.contains { input.resolve($0, from: position) == target }
        }
    }

    func mapDocumentReference(_ document: DocumentReference, at position: Int) {
        let isProgressNote = document.meta?.profile.contains { $0.value == IOPCanonical.Profile.progressNote } == true
            || document.type?.code(in: Terminology.loinc) == Terminology.progressNoteCode
        verdicts[position] = .notForIOP(reason: isProgressNote
            ? "A progress note is written by the gateway from its own ProgressSummary; a received one is stored as received and not mapped back"
            : "The IOP does not use documents other than its progress notes")
    }
}
