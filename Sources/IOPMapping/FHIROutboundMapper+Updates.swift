import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// The two shapes a PCP update takes, as the receiving endpoint's profile asks (FHIR-RULES.md,
/// "What EHRs accept from us"): a progress-note DocumentReference, which every EHR files, or a
/// Communication.
public enum UpdateForm: String, Hashable, Sendable, CaseIterable {
    case progressNote = "progress-note"
    case communication
}

extension FHIROutboundMapper {
    /// The resource that carries `update` to `practice`.
    public func resource(for update: CareUpdate, to practice: PrimaryCarePractice.ID, as form: UpdateForm) -> AnyResource {
        switch form {
        case .progressNote: .documentReference(documentReference(update))
        case .communication: .communication(communication(update, to: practice))
        }
    }

    /// What the PCP reads, for any update: the summary's note, or the notice's lines (with the
    /// §2.32 notice when it carries Part 2 records).
    public func document(for update: CareUpdate) -> ReportDocument {
        switch update.content {
        case .summary(let summary):
            return ProgressNoteText.document(summary)
        case .notice(let headline, let lines):
            var sections = [ReportDocument.Section(lines: lines)]
            if update.containsPart2Data { sections.append(ReportDocument.Section(lines: [RedisclosureNotice.part2ShortForm])) }
            return ReportDocument(title: headline, sections: sections)
        }
    }

    /// The id of an update's resource: the summary's own, or one derived from the update's key,
    /// so the same news always has the same id at the receiver.
    public static func resourceID(of update: CareUpdate) -> String {
        if case .summary(let summary) = update.content { return summary.id.rawValue }
        // Receivers already hold notes under these ids: a new derivation would send the same news twice
        // after an upgrade, so outbound ids stay on the earlier one (their parts are the gateway's own).
        let id: EntityID<CareUpdate> = StableID.legacy("care-update", [update.key])
        return id.rawValue
    }

    /// A progress note (LOINC 11506-3) with the text as text/plain and as XHTML.
    public func documentReference(_ update: CareUpdate) -> DocumentReference {
        if case .summary(let summary) = update.content { return documentReference(summary) }
        let document = document(for: update)
        return Outbound.progressNote(
            id: Self.resourceID(of: update), participant: update.participantID, part2: update.containsPart2Data,
            narrative: "IOP notice (\(update.trigger.rawValue)); the text is in the attachment.", written: update.occurredAt,
            author: Outbound.programReference, description: document.title, text: document)
    }

    /// A Communication to the practice with the text as its payload.
    public func communication(_ update: CareUpdate, to practice: PrimaryCarePractice.ID) -> Communication {
        var communication = Communication(
            id: FHIRId(Self.resourceID(of: update)),
            meta: Outbound.meta(profile: IOPCanonical.Profile.careMessage, restricted: true, part2: update.containsPart2Data),
            text: Outbound.narrative(["IOP \(update.trigger.rawValue) message (\(update.priority.rawValue))."]),
            status: FHIRCode("completed"))
        communication.category = [Outbound.concept(IOPCanonical.CodeSystem.careMessageCategory, update.trigger.messageCategory.rawValue)]
        communication.priority = FHIRCode(update.priority.rawValue)
        communication.subject = Outbound.patientReference(update.participantID)
        communication.sent = Outbound.dateTime(update.occurredAt)
        communication.recipient = [Outbound.practiceReference(practice)]
        communication.sender = Outbound.programReference
        communication.payload = [Communication.Payload(content: .string(FHIRString(document(for: update).plainText)))]
        return communication
    }
}

extension Outbound {
    /// The program as author or sender, by name: it is not a resource the receiver holds.
    static var programReference: Reference { Reference(display: FHIRString("Intensive Outpatient Program")) }

    /// The IOP's progress note (LOINC 11506-3, final, labelled R and PSY, and the Part 2 labels
    /// when `part2`) carrying `text` as attachments: what summaries and notices share.
    static func progressNote(id: String, participant: Participant.ID, part2: Bool, narrative: String, written: Date,
                             author: Reference, description: String, text: ReportDocument) -> DocumentReference {
        var note = DocumentReference(
            id: FHIRId(id), meta: meta(profile: IOPCanonical.Profile.progressNote, restricted: true, part2: part2),
            text: self.narrative([narrative]), status: FHIRCode("current"), content: [])
        note.docStatus = FHIRCode("final")
        note.type = concept(Terminology.loinc, Terminology.progressNoteCode, "Progress note")
        note.subject = patientReference(participant)
        note.date = instant(written)
        note.author = [author]
        note.description = FHIRString(description)
        note.content = attachments(text, created: written)
        return note
    }

    /// The document as text/plain and as XHTML, both inline.
    static func attachments(_ document: ReportDocument, created: Date) -> [DocumentReference.Content] {
        [("text/plain; charset=utf-8", document.plainText), ("application/xhtml+xml", document.xhtml)].map { type, text in
            DocumentReference.Content(attachment: Attachment(
                contentType: FHIRCode(type), data: FHIRBase64Binary(Data(text.utf8).base64EncodedString()),
                title: FHIRString(document.title), creation: dateTime(created)))
        }
    }
}

extension FHIROutboundMapper {
    /// The id of the summary of `period` for `participant`: the same period always makes the same
    /// id, so a summary queued twice (two processes, a restart) is one message and one note. On the
    /// earlier derivation (`StableID.legacy`): a summary queued before an upgrade and again after
    /// it must stay one message; the parts are the gateway's own id and dates, not a sender's.
    public static func summaryID(participant: Participant.ID, period: DatePeriod) -> ProgressSummary.ID {
        StableID.legacy("progress-summary", [participant.rawValue, period.start.map(FHIRDateCodec.instant) ?? "",
                                           period.end.map(FHIRDateCodec.instant) ?? ""])
    }
}
