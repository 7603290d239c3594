import Dispatch
import Foundation
import GatewayStore
import IOPDomain
import IOPMapping

/// Queues the scheduled progress summaries that are due: one pass over the enrolled
/// participants, one unit of work each. Safe to run from several processes at once: the
/// summary of a period has one id, and the outbox keeps one message per id and endpoint.
public struct SummaryScheduler: Sendable {
    public let store: any GatewayStore

    public init(store: any GatewayStore) { self.store = store }

    /// The summaries queued by this pass.
    @discardableResult
    public func enqueueDue(at now: Date = Date()) throws -> Int {
        var queued = 0
        for participant in try enrolledParticipants() {
            // A read first: most passes find nothing due, and a write per participant would take
            // the store's write lock (and, on SQLite, a sync) for nothing. The write looks again,
            // since another process may have queued the period in between.
            guard try store.read({ try !Self.due(for: participant, at: now, in: $0).periods.isEmpty }) else { continue }
            queued += try store.write { transaction in try Self.enqueueDue(for: participant, at: now, in: transaction) }
        }
        return queued
    }

    /// `enqueueDue` on a Dispatch thread: its units of work block, and the Swift concurrency pool
    /// (two threads here) is what the delivery workers beside it run on.
    public func enqueueDueOffPool(at now: Date = Date()) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(with: Result { try enqueueDue(at: now) }) }
        }
    }

    /// Participants with an enrolment that is active or stepped down.
    func enrolledParticipants() throws -> [String] {
        var keys: Set<String> = []
        var after: String?
        let decoder = DomainRowCoding.decoder()
        while true {
            let rows = try store.read { try $0.domainRows(kind: DomainRowKind.enrolment, afterKey: after, limit: 500) }
            for row in rows {
                guard let key = row.participantKey, let enrolment = try? decoder.decode(Enrolment.self, from: row.json),
                      enrolment.status.isEnrolled else { continue }
                keys.insert(key)
            }
            guard let last = rows.last, rows.count == 500 else { break }
            after = last.key
        }
        return keys.sorted()
    }

    static func enqueueDue(for participantKey: String, at now: Date, in transaction: any StoreTransaction) throws -> Int {
        var (records, schedule, periods) = try due(for: participantKey, at: now, in: transaction)
        guard let records, let last = periods.last?.end else { return 0 }
        let summaries = try periods.map { period in
            try ProgressSummary.compose(
                id: FHIROutboundMapper.summaryID(participant: records.participant.id, period: period), from: records, period: period,
                authoredAt: now, author: author(of: records))
        }
        let outcomes = try UpdateDispatcher.enqueue(summaries.map { CareUpdate.summary($0) }, for: records, in: transaction)
        schedule.lastPeriodEnd = last
        _ = try transaction.upsertDomainRow(kind: DomainRowKind.summarySchedule, key: participantKey, participantKey: participantKey,
                                            json: try DomainRowCoding.encoder().encode(schedule))
        return outcomes.count { if case .enqueued = $0 { true } else { false } }
    }

    /// The participant's records, schedule and the periods due now (none when the participant is
    /// not enrolled, has not become active, or is up to date).
    static func due(for participantKey: String, at now: Date, in reader: any StoreReader) throws
        -> (records: ParticipantRecords?, schedule: SummarySchedule, periods: [DatePeriod]) {
        let schedule = try schedule(for: participantKey, in: reader)
        guard let records = try ParticipantRecordsLoader.load(participantKey: participantKey, from: reader),
              let enrolment = records.currentEnrolment, enrolment.status.isEnrolled, let anchor = enrolment.date(of: .active)
        else { return (nil, schedule, []) }
        return (records, schedule, schedule.duePeriods(anchor: anchor, now: now))
    }

    /// The summary a participant's PCP would get for `period` (default: the `everyDays` days of
    /// the participant's schedule up to `now`), without queueing anything: what
    /// `fhir-gateway summary` shows staff.
    public static func preview(participantKey: String, period: DatePeriod? = nil, at now: Date = Date(),
                               from reader: any StoreReader) throws -> (summary: ProgressSummary, records: ParticipantRecords)? {
        guard let records = try ParticipantRecordsLoader.load(participantKey: participantKey, from: reader) else { return nil }
        let schedule = try schedule(for: participantKey, in: reader)
        let chosen = try period ?? DatePeriod(start: now.addingTimeInterval(-Double(schedule.everyDays) * 86_400), end: now)
        let summary = try ProgressSummary.compose(
            id: FHIROutboundMapper.summaryID(participant: records.participant.id, period: chosen), from: records, period: chosen,
            authoredAt: now, author: author(of: records))
        return (summary, records)
    }

    /// The participant's schedule, or the default.
    public static func schedule(for participantKey: String, in reader: any StoreReader) throws -> SummarySchedule {
        guard let row = try reader.domainRow(kind: DomainRowKind.summarySchedule, key: participantKey) else { return SummarySchedule() }
        return try DomainRowCoding.decoder().decode(SummarySchedule.self, from: row.json)
    }

    /// Who signs a summary the gateway writes: the author of the treatment plan, else the last
    /// clinician who held a session with the participant, else the care team by name.
    public static func author(of records: ParticipantRecords) -> Clinician {
        if let author = records.currentPlan?.author { return author }
        if let facilitator = records.sessionsInOrder.last(where: { $0.status == .attended && $0.facilitator != nil })?.facilitator {
            return facilitator
        }
        return Clinician(name: PersonName(family: "IOP care team"))
    }
}
