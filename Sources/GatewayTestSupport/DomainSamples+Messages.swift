import Foundation
import IOPDomain

private typealias Words = DomainSamplesVocabulary

extension DomainSamples {
    /// A care message to the participant's PCP (and sometimes another practice or an IOP
    /// clinician), in any category; crisis notices sometimes carry a routine priority that
    /// `effectivePriority` must raise, and some texts are long, multi-line or full of markup.
    public mutating func careMessage(for participant: Participant, to practices: [PrimaryCarePractice.ID], at date: Date,
                                     sessionID: ProgramSession.ID? = nil, part2Program: Bool = false) -> CareMessage {
        let category = pick(CareMessageCategory.allCases)
        let sender: CareParty = chance(40) ? .program : .iopClinician(clinician())
        var recipients = some(practices, count: 1...practices.count).map { practiceID in
            CareParty.primaryCare(PrimaryCareProvider(practiceID: practiceID, clinician: chance(50) ? clinician() : nil))
        }
        if recipients.isEmpty || chance(10) { recipients.append(.iopClinician(clinician())) }
        var text = pick(Words.messageTexts)
        if chance(10) { text = String(repeating: text + " ", count: int(in: 20...60)) }
        if chance(10), let family = participant.name.family { text = "Re: \(family) — " + text }
        let priority = category == .crisisNotice && chance(30) ? .routine : pick(MessagePriority.allCases)
        let messageID: CareMessage.ID = id()
        let part2 = part2Program && (category == .medicationChange || category == .progressSummary) && chance(60)
        let finalText = text
        return Self.valid { () throws(DomainError) in
            try CareMessage(id: messageID, participantID: participant.id, sender: sender, recipients: recipients,
                            category: category, priority: priority, text: finalText, createdAt: date,
                            sessionID: category == .appointmentUpdate ? sessionID : nil, containsPart2Data: part2)
        }
    }

    /// A progress summary over `sessions`, with passages of the permitted kinds only, current
    /// medications, and Part 2 diagnoses where the program is a Part 2 program.
    public mutating func progressSummary(for participantID: Participant.ID, enrolmentID: Enrolment.ID?, sessions: [ProgramSession],
                                         plan: TreatmentPlan?, medications: [MedicationOrder], endingAt end: Date,
                                         part2Program: Bool = false) -> ProgressSummary {
        let start = end.addingTimeInterval(-TimeInterval(int(in: 14...42) * 86_400))
        let period = Self.valid { () throws(DomainError) in try DatePeriod(start: start, end: end) }
        let modalities = (plan?.activities ?? []).map { activity in
            ModalityFrequency(modality: activity.modality, plannedPerWeek: activity.sessionsPerWeek,
                              attended: sessions.filter { $0.modality == activity.modality && $0.status == .attended }.count)
        }
        let diagnoses = some(Words.diagnoses, count: 1...3).map { code, display, sud in
            let display: String? = chance(85) ? display : nil
            let part2 = sud && part2Program
            return Self.valid { () throws(DomainError) in try Diagnosis(code: code, display: display, isPart2Record: part2) }
        }
        let assessments = (0..<int(in: 0...4)).map { _ in
            let instrument = pick(AssessmentInstrument.allCases)
            let score = int(in: instrument.scoreRange)
            let takenAt = date(after: start, withinDays: 14)
            return Self.valid { () throws(DomainError) in try AssessmentResult(instrument: instrument, score: score, takenAt: takenAt) }
        }
        let sections = some(SummarySection.Kind.allCases, count: 0...6).map { kind in
            let text = pick(Words.sectionTexts)
            let part2 = part2Program && chance(20)
            return Self.valid { () throws(DomainError) in try SummarySection(kind: kind, text: text, isPart2Record: part2) }
        }
        let author = clinician()
        let summaryID: ProgressSummary.ID = id()
        return Self.valid { () throws(DomainError) in
            try ProgressSummary(id: summaryID, participantID: participantID, enrolmentID: enrolmentID, period: period,
                                authoredAt: end, author: author, attendance: AttendanceSummary(sessions: sessions),
                                modalities: modalities, diagnoses: diagnoses, assessments: assessments, sections: sections,
                                medications: medications.filter(\.status.isCurrent))
        }
    }
}
