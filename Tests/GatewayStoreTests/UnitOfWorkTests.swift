import Foundation
import Testing
@testable import GatewayStore

private struct Abandon: Error {}

@Suite("Units of work")
struct UnitOfWorkTests {
    /// Writes one of everything the gateway writes in a unit of work.
    func writeEverything(_ transaction: any StoreTransaction) throws {
        _ = try transaction.create(type: "Patient", id: "p1", body: patientBody("A"), index: identifierIndex(value: "1"))
        try transaction.upsertDomainRow(kind: "participant", key: "P1", participantKey: "P1", json: Data("{}".utf8))
        _ = try transaction.enqueue(NewOutboundMessage(
            id: "m1", endpointKey: "pcp-a", participantKey: "P1", priority: .routine, idempotencyKey: "k1",
            payload: Data("{}".utf8), contentType: "application/fhir+json"))
        try transaction.recordImport(
            hash: "h1", path: "/in/a.json", status: .imported, counts: .init(read: 1, written: 1, refused: 0), report: Data("{}".utf8))
        try transaction.appendAudit(AuditEvent(time: transaction.now, actor: "importer", action: "import", outcome: "success"))
    }

    func expectEmpty(_ store: any GatewayStore) throws {
        try store.read { (reader) throws in
            #expect(try reader.read(type: "Patient", id: "p1") == nil)
            #expect(try reader.domainRow(kind: "participant", key: "P1") == nil)
            #expect(try reader.outboundMessage(id: "m1") == nil)
            #expect(try reader.ledgerEntry(hash: "h1") == nil)
            #expect(try reader.auditEvents(in: TimeRange(), afterSequence: nil, limit: 10).isEmpty)
            #expect(try reader.queueDepth().isEmpty)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aThrowingUnitOfWorkLeavesNothing(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            #expect(throws: Abandon.self) {
                try store.write { (transaction) throws in
                    try writeEverything(transaction)
                    throw Abandon()
                }
            }
            try expectEmpty(store)
            // The same work, completed, commits all of it.
            try store.write { try writeEverything($0) }
            #expect(try store.read { try $0.outboundMessage(id: "m1")?.status } == .pending)
            #expect(try store.read { try $0.ledgerEntry(hash: "h1")?.status } == .imported)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aSwallowedStoreErrorStillRollsBack(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            try store.write { _ = try $0.create(type: "Patient", id: "existing", body: patientBody("A"), index: .empty) }
            var laterError: (any Error)?
            #expect(throws: StoreError.transactionAborted) {
                try store.write { (transaction) throws in
                    try writeEverything(transaction)
                    _ = try? transaction.create(type: "Patient", id: "existing", body: patientBody("B"), index: .empty)
                    // Every later operation refuses, as PostgreSQL would.
                    do { _ = try transaction.read(type: "Patient", id: "p1") } catch { laterError = error }
                }
            }
            #expect(laterError as? StoreError == .transactionAborted)
            try expectEmpty(store)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func nestedWriteAndEscapedTransactionAreRefused(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            #expect(throws: StoreError.misuse("write called inside a write on the same store")) {
                try store.write { _ in try store.write { _ in } }
            }
            let escaped = try store.write { $0 }
            #expect(throws: StoreError.misuse("a transaction was used after its closure returned")) {
                try escaped.read(type: "Patient", id: "x")
            }
            // A read from inside a write uses another connection and sees committed data only.
            try store.write { (transaction) throws in
                _ = try transaction.create(type: "Patient", id: "p9", body: patientBody("A"), index: .empty)
                #expect(try store.read { try $0.read(type: "Patient", id: "p9") } == nil)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func everyVersionOfAUnitOfWorkCarriesItsTimestamp(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            let (a, b, now) = try store.write { (transaction) throws in
                (try transaction.create(type: "Patient", id: "a", body: patientBody("A"), index: .empty),
                 try transaction.create(type: "Patient", id: "b", body: patientBody("B"), index: .empty),
                 transaction.now)
            }
            #expect(a.lastUpdated == now && b.lastUpdated == now && now == clock.now)
        }
    }
}
