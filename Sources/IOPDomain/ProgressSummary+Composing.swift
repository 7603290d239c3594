import Foundation

extension ProgressSummary {
    /// How many booked sessions a summary lists: enough for the next week or two of an IOP.
    public static let upcomingSessionLimit = 5

    /// The summary of `period` composed from the participant's records, as of `authoredAt`.
    ///
    /// Everything comes from coded facts: session statuses and reason codes (never staff's
    /// notes), plan goals, prescriptions and the medication changes the gateway observed,
    /// crisis notices by category. It has no passages (`sections`): those are a clinician's to
    /// write.
    ///
    /// - Throws: `missingValue(.summaryPeriod)` for a period that is not closed.
    public static func compose(id: ID, from records: ParticipantRecords, period: DatePeriod, authoredAt: Date,
                               author: Clinician) throws(DomainError) -> ProgressSummary {
        let ordered = records.sessionsInOrder
        let inPeriod = ordered.filter { period.contains($0.scheduledStart) }
        let plan = records.currentPlan
        var summary = try ProgressSummary(
            id: id, participantID: records.participant.id, enrolmentID: records.currentEnrolment?.id, period: period,
            authoredAt: authoredAt, author: author, attendance: AttendanceSummary(sessions: inPeriod),
            modalities: (plan?.activities ?? []).map { activity in
                ModalityFrequency(modality: activity.modality, plannedPerWeek: activity.sessionsPerWeek,
                                  attended: inPeriod.count { $0.modality == activity.modality && $0.status == .attended })
            },
            medications: records.medicationOrders.filter(\.status.isCurrent).sorted { ($0.authoredOn, $0.id) < ($1.authoredOn, $1.id) })
        summary.attendanceByModality = ModalityAttendance.grouping(inPeriod)
        summary.medicationChanges = records.medicationChanges.filter { period.contains($0.observedAt) }
            .sorted { ($0.observedAt, $0.orderID) < ($1.observedAt, $1.orderID) }
        summary.goals = plan?.goals ?? []
        summary.upcomingSessions = ordered.filter { $0.status == .scheduled && $0.scheduledStart > authoredAt }
            .prefix(upcomingSessionLimit).map(UpcomingSession.init)
        summary.reportsOnPart2Program = (plan?.containsPart2Data ?? false) || (records.currentEnrolment?.containsPart2Data ?? false)
        summary.riskFlags = riskFlags(records: records, ordered: ordered, inPeriod: inPeriod, period: period, plan: plan)
        return summary
    }

    private static func riskFlags(records: ParticipantRecords, ordered: [ProgramSession], inPeriod: [ProgramSession],
                                  period: DatePeriod, plan: TreatmentPlan?) -> [RiskFlag] {
        var flags: [RiskFlag] = []
        let crises = records.careMessages.filter { $0.category == .crisisNotice && period.contains($0.createdAt) }
        if let latest = crises.map(\.createdAt).max() {
            flags.append(RiskFlag(kind: .crisisNotice, date: latest, count: crises.count, containsPart2Data: crises.contains(where: \.containsPart2Data)))
        }
        if let streak = MissedStreak.longest(in: ordered, endingIn: period), streak.count >= 2 {
            flags.append(RiskFlag(kind: .consecutiveMissedSessions, date: streak.last!.scheduledStart, count: streak.count,
                                  containsPart2Data: streak.contains(where: \.containsPart2Data)))
        }
        let hospitalised = inPeriod.filter { $0.statusReason?.code == .participantHospitalised }
        if let latest = hospitalised.last {
            flags.append(RiskFlag(kind: .hospitalisation, date: latest.scheduledStart, count: hospitalised.count,
                                  containsPart2Data: hospitalised.contains(where: \.containsPart2Data)))
        }
        let worsening = plan?.goals.filter { $0.achievement == .worsening } ?? []
        if !worsening.isEmpty, let plan, let end = period.end {
            flags.append(RiskFlag(kind: .worseningGoal, date: end, count: worsening.count, containsPart2Data: plan.containsPart2Data))
        }
        return flags
    }
}

/// Runs of missed sessions: sessions whose outcome is known (attended or missed), in time
/// order; cancelled, rescheduled and still-scheduled ones, and those missed because the IOP's
/// platform failed, neither break nor extend a run.
public enum MissedStreak {
    /// The missed sessions in a row that end with `session` (empty unless it was missed).
    public static func ending(at session: ProgramSession, in ordered: [ProgramSession]) -> [ProgramSession] {
        guard session.status == .missed, !session.wasAffectedByPlatformOutage, let index = ordered.firstIndex(where: { $0.id == session.id }) else { return [] }
        var run: [ProgramSession] = []
        for candidate in ordered[...index].reversed()
        where (candidate.status == .attended || candidate.status == .missed) && !candidate.wasAffectedByPlatformOutage {
            guard candidate.status == .missed else { break }
            run.insert(candidate, at: 0)
        }
        return run
    }

    /// The longest run whose last session falls in `period`.
    public static func longest(in ordered: [ProgramSession], endingIn period: DatePeriod) -> [ProgramSession]? {
        ordered.filter { $0.status == .missed && period.contains($0.scheduledStart) }
            .map { ending(at: $0, in: ordered) }
            .max { $0.count < $1.count }
    }
}
