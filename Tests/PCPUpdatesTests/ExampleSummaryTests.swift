import FHIRJSON
import FHIRValidation
import Foundation
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPDomain
import IOPMapping
import PCPUpdates
import Testing

/// The committed examples of what a PCP receives (`SampleBundles/pcp-summaries`): every
/// referral sample imported through the real intake, then each participant's summary, as text
/// and as the DocumentReference sent. The test fails when the code would write something else;
/// `IOP_WRITE_EXAMPLES=1 swift test --filter ExampleSummaryTests` writes them anew.
@Suite("Example PCP summaries")
struct ExampleSummaryTests {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/pcp-summaries")

    @Test("each sample participant's summary matches the committed example")
    func examplesAreCurrent() throws {
        let store = try SQLiteGatewayStore.inMemory()
        try SampleReferrals.importAll(into: store)

        let participants = try store.read { try $0.domainRows(kind: DomainRowKind.participant, afterKey: nil, limit: 1000) }
        #expect(participants.count == 17)
        var expected: [String: String] = [:]
        for row in participants {
            guard let (summary, records) = try store.read({ reader in
                try ParticipantRecordsLoader.load(participantKey: row.key, from: reader).flatMap { records in
                    let (period, at) = try Self.window(records)
                    return try SummaryScheduler.preview(participantKey: row.key, period: period, at: at, from: reader)
                }
            }) else { continue }
            let name = (records.participant.name.family ?? "participant").lowercased()
                .replacingOccurrences(of: " ", with: "-") + "-" + row.key.prefix(8)
            expected[name + ".txt"] = ProgressNoteText.render(summary)
            expected[name + ".json"] = String(decoding: FHIRJSONWriter(pretty: true).write(FHIROutboundMapper().documentReference(summary).element()),
                                              as: UTF8.self) + "\n"
        }

        if ProcessInfo.processInfo.environment["IOP_WRITE_EXAMPLES"] == "1" {
            try? FileManager.default.removeItem(at: Self.folder)
            try FileManager.default.createDirectory(at: Self.folder, withIntermediateDirectories: true)
            for (name, text) in expected { try Data(text.utf8).write(to: Self.folder.appendingPathComponent(name)) }
            try Data(Self.readme.utf8).write(to: Self.folder.appendingPathComponent("README.md"))
        }
        let committed = Set((try? FileManager.default.contentsOfDirectory(atPath: Self.folder.path)) ?? []).subtracting(["README.md"])
        #expect(committed == Set(expected.keys), "run IOP_WRITE_EXAMPLES=1 swift test --filter ExampleSummaryTests")
        for (name, text) in expected.sorted(by: { $0.key < $1.key }) {
            let onDisk = try? String(contentsOf: Self.folder.appendingPathComponent(name), encoding: .utf8)
            #expect(onDisk == text, "\(name) differs from what the gateway writes now")
        }
    }

    /// A window that shows each participant's program: from the referral (or first session) to
    /// the middle of their booked sessions (a week at least), written as of that day, so the first half is
    /// reported and the second half is upcoming.
    static func window(_ records: ParticipantRecords) throws -> (DatePeriod, Date) {
        let sessions = records.sessionsInOrder.map(\.scheduledStart)
        let referred = records.currentEnrolment?.referredAt
        let start = [referred, sessions.first].compactMap { $0 }.min() ?? Date(timeIntervalSince1970: 1_796_083_200)
        let middle = sessions.isEmpty ? start.addingTimeInterval(28 * 86_400) : sessions[sessions.count / 2]
        let day = 86_400.0
        let startDay = Date(timeIntervalSince1970: (start.timeIntervalSince1970 / day).rounded(.down) * day)
        let endDay = max(Date(timeIntervalSince1970: (middle.timeIntervalSince1970 / day).rounded(.down) * day),
                         startDay.addingTimeInterval(7 * day))
        return (try DatePeriod(start: startDay, end: endDay.addingTimeInterval(-0.001)), endDay)
    }

    static let readme = """
        # What a PCP receives: example progress summaries

        Written by the gateway from `SampleBundles/referrals` (imported through the real intake), one
        participant each: `*.txt` is what the clinician reads (the note's text/plain attachment; the
        XHTML attachment has the same content), `*.json` the progress-note DocumentReference that is
        sent (LOINC 11506-3, security labels, attachments in base64). Each covers the participant's
        program from the referral to the middle of their booked sessions (a week at least), written
        as of that day.
        The names are the samples' invented ones.

        A test (`ExampleSummaryTests`) fails when the gateway would write something else;
        `IOP_WRITE_EXAMPLES=1 swift test --filter ExampleSummaryTests` writes them anew.
        Preview one from a store with `fhir-gateway summary <participant> --from DAY --to DAY`.

        """
}
