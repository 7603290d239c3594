import Foundation
import Testing
@testable import GatewayStore

@Suite("Domain rows, import ledger, audit")
struct RecordsTests {
    @Test(arguments: StoreEngine.allCases)
    func domainRowsUpsertGetAndList(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            try store.write { (transaction) throws in
                try transaction.upsertDomainRow(kind: "participant", key: "P1", participantKey: "P1", json: Data(#"{"v":1}"#.utf8))
                try transaction.upsertDomainRow(kind: "session", key: "S2", participantKey: "P1", json: Data("{}".utf8))
                try transaction.upsertDomainRow(kind: "session", key: "S1", participantKey: "P1", json: Data("{}".utf8))
                try transaction.upsertDomainRow(kind: "session", key: "S3", participantKey: "P2", json: Data("{}".utf8))
                try transaction.upsertDomainRow(kind: "practice", key: "PCP-A", participantKey: nil, json: Data("{}".utf8))
            }
            clock.advance(seconds: 1)
            let replaced = try store.write {
                try $0.upsertDomainRow(kind: "participant", key: "P1", participantKey: "P1", json: Data(#"{"v":2}"#.utf8))
            }
            try store.read { (reader) throws in
                #expect(try reader.domainRow(kind: "participant", key: "P1") == replaced)
                #expect(replaced.updatedAt == clock.now)
                #expect(try reader.domainRows(kind: "session", afterKey: nil, limit: 10).map(\.key) == ["S1", "S2", "S3"])
                #expect(try reader.domainRows(kind: "session", afterKey: "S1", limit: 1).map(\.key) == ["S2"])
                #expect(try reader.domainRows(participantKey: "P1", kind: nil).map(\.key) == ["P1", "S1", "S2"])
                #expect(try reader.domainRows(participantKey: "P1", kind: "session").map(\.key) == ["S1", "S2"])
                #expect(try reader.domainRow(kind: "practice", key: "PCP-A")?.participantKey == nil)
            }
            #expect(try store.write { try $0.deleteDomainRow(kind: "session", key: "S1") })
            #expect(try store.write { try $0.deleteDomainRow(kind: "session", key: "S1") } == false)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func ledgerRecordsAndReplacesByHash(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            let file = Data("a bundle".utf8)
            let hash = ContentHash.sha256Hex(file)
            #expect(try store.read { try $0.ledgerEntry(hash: hash) } == nil)
            try store.write { (transaction) throws in
                _ = try transaction.recordImport(
                    hash: hash, path: "in/a.json", status: .partial, counts: .init(read: 3, written: 2, refused: 1),
                    report: Data(#"{"issues":1}"#.utf8))
            }
            clock.advance(seconds: 1)
            let entry = try store.write {
                try $0.recordImport(
                    hash: hash, path: "moved/a.json", status: .imported, counts: .init(read: 3, written: 3, refused: 0), report: Data("{}".utf8))
            }
            try store.read { (reader) throws in
                #expect(try reader.ledgerEntry(hash: hash) == entry)
                #expect(entry.recordedAt == clock.now && entry.status == .imported && entry.path == "moved/a.json")
                #expect(try reader.ledgerEntries(limit: 10) == [entry])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func auditAppendsAndQueriesByTime(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            var times: [StoreTimestamp] = []
            for index in 0..<5 {
                times.append(clock.now)
                try store.write { (transaction) throws in
                    let event = try transaction.appendAudit(AuditEvent(
                        time: transaction.now, actor: "client-\(index)", action: "create", resourceType: "Patient",
                        resourceId: "p\(index)", outcome: "201", detail: "entries=1"))
                    #expect(event.sequence == Int64(index + 1))
                }
                clock.advance(seconds: 10)
            }
            try store.read { (reader) throws in
                let middle = try reader.auditEvents(in: TimeRange(from: times[1], to: times[4]), afterSequence: nil, limit: 10)
                #expect(middle.map(\.actor) == ["client-1", "client-2", "client-3"])
                let paged = try reader.auditEvents(in: TimeRange(), afterSequence: 3, limit: 1)
                #expect(paged.map(\.resourceId) == ["p3"])
                #expect(try reader.auditEvents(in: TimeRange(), afterSequence: nil, limit: 100).count == 5)
            }
        }
    }
}
