import Foundation
import Synchronization
import Testing
@testable import GatewayStore

/// What only the PostgreSQL engine has to prove: migrations shared by several processes, the
/// server's error fields, lock timeouts, and claims from several processes at once. (Every
/// other store test runs against both engines.) Skipped without `IOP_TEST_POSTGRES_URL`.
@Suite("PostgreSQL engine")
struct PostgresStoreTests {
    static let secret = "PATIENT-SECRET-123"

    @Test func migratesAnEmptySchemaAndRecordsEachMigration() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let store = try database.openPostgresStore()
        #expect(try store.currentSchemaVersion() == PostgresGatewayStore.schemaVersion)
        #expect(PostgresGatewayStore.schemaVersion == SQLiteGatewayStore.schemaVersion)
        let recorded = try store.withConnection {
            try $0.query("SELECT version FROM schema_migration ORDER BY version", purpose: "test") { $0.int(0) }
        }
        #expect(recorded == PostgresMigrations.all.map(\.version))
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let created = try database.openStore().write { (transaction) throws in
            try transaction.create(type: "Patient", id: nil, body: patientBody("Ada"), index: .empty)
        }
        for _ in 0..<3 {
            let store = try database.openPostgresStore()
            #expect(try store.currentSchemaVersion() == PostgresGatewayStore.schemaVersion)
            #expect(try store.read { try $0.read(type: "Patient", id: created.id) } == created)
        }
    }

    /// Processes that start together (a rolling restart, several workers) migrate once: the
    /// advisory lock makes the others wait and then find nothing to do.
    @Test func storesStartingAtOnceMigrateOnce() async throws {
        for _ in 0..<3 {
            let database = try TestDatabase(.postgres)
            defer { database.remove() }
            try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await withCheckedThrowingContinuation { continuation in
                            DispatchQueue.global().async {
                                continuation.resume(with: Result { try database.openPostgresStore().currentSchemaVersion() })
                            }
                        }
                    }
                }
                for try await version in group { #expect(version == PostgresGatewayStore.schemaVersion) }
            }
            let recorded = try database.openPostgresStore().withConnection {
                try $0.query("SELECT version FROM schema_migration ORDER BY version", purpose: "test") { $0.int(0) }
            }
            #expect(recorded == PostgresMigrations.all.map(\.version))
        }
    }

    @Test func refusesASchemaFromANewerGatewayAndLeavesItUntouched() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        try database.openPostgresStore().withConnection {
            try $0.execute("INSERT INTO schema_migration (version, name, applied_at) VALUES (99, 'future', now())", purpose: "test")
        }
        #expect(throws: StoreError.schemaTooNew(found: 99, supported: PostgresGatewayStore.schemaVersion)) {
            _ = try database.openPostgresStore()
        }
        let connection = try PostgresConnection(url: try #require(database.postgresURL))
        #expect(try connection.queryOne("SELECT MAX(version) FROM schema_migration", purpose: "test") { $0.int(0) } == 99)
    }

    /// The server's DETAIL quotes the key (`Key (kind, key)=(..., PATIENT-SECRET-123)`) and the
    /// failing row: neither reaches the error.
    @Test func engineErrorsKeepTheSQLStateAndDropTheDetail() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let store = try database.openPostgresStore()
        try store.withConnection { (connection) throws in
            let foreignKey = caught {
                try connection.run(
                    "INSERT INTO resource_head (type, id, version, seq, last_updated, deleted) VALUES (?, ?, 1, 424242, now(), false)",
                    [.text("Patient"), .text(Self.secret)], purpose: "update resource head")
            }
            guard case .engine(let code, let operation, let text) = foreignKey as? StoreError else {
                Issue.record("expected an engine error, got \(String(describing: foreignKey))")
                return
            }
            #expect(code == PostgresConnection.encodeSQLState("23503"))
            #expect(operation == "update resource head")
            #expect(text.contains("foreign key constraint") && text.contains("SQLSTATE 23503"))
            expectNoSecret(foreignKey)

            let insertRow = "INSERT INTO domain_row (kind, key, participant_key, json, updated_at) VALUES ('k', ?, ?, ?, now())"
            let arguments: [PostgresValue] = [.text(Self.secret), .text(Self.secret), .bytea(Data(Self.secret.utf8))]
            try connection.run(insertRow, arguments, purpose: "insert domain row")
            let duplicate = caught { try connection.run(insertRow, arguments, purpose: "insert domain row") }
            #expect(duplicate as? StoreError == .duplicate(what: "insert domain row"))
            expectNoSecret(duplicate)

            let check = caught {
                try connection.run(
                    "INSERT INTO import_ledger (content_hash, path, status, read_count, written_count, refused_count, report, "
                        + "recorded_at) VALUES (?, ?, ?, 0, 0, 0, ?, now())",
                    [.text(Self.secret), .text(Self.secret), .text(Self.secret), .bytea(Data())], purpose: "record import")
            }
            #expect((check as? StoreError).map { if case .engine = $0 { true } else { false } } == true)
            expectNoSecret(check)
        }
    }

    /// A lock held by another process past the lock timeout ends the unit of work as `busy`.
    @Test func aLockHeldPastTheTimeoutIsBusy() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let store = try database.openPostgresStore(lockTimeout: .milliseconds(100))
        let holder = try PostgresConnection(url: try #require(database.postgresURL))
        try holder.execute("BEGIN; LOCK TABLE resource_head IN ACCESS EXCLUSIVE MODE", purpose: "test")
        let error = caught {
            try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: patientBody(Self.secret), index: .empty) }
        }
        guard case .busy = error as? StoreError else {
            Issue.record("expected busy, got \(String(describing: error))")
            return
        }
        expectNoSecret(error)
        try holder.execute("ROLLBACK", purpose: "test")
        try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: patientBody(Self.secret), index: .empty) }
    }

    /// Eight workers on two stores (two processes) drain 30 messages of 10 participants: every
    /// message is claimed once, and each participant's messages in their order.
    @Test func workersOnTwoStoresClaimEachMessageOnceAndInOrder() async throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let stores = [try database.openStore(), try database.openStore()]
        try stores[0].write { (transaction) throws in
            for number in 0..<3 {
                for participant in 0..<10 {
                    _ = try transaction.enqueue(NewOutboundMessage(
                        id: "p\(participant)-m\(number)", endpointKey: "pcp-a", participantKey: "P\(participant)",
                        priority: .routine, idempotencyKey: "p\(participant)-m\(number)", payload: Data("{}".utf8),
                        contentType: "application/fhir+json"))
                }
            }
        }
        let claims = ClaimLog()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for worker in 0..<8 {
                let store = stores[worker % 2]
                group.addTask {
                    var idleRounds = 0
                    while idleRounds < 20 {
                        let claimed = try await store.writeAsync { (transaction) throws in
                            try transaction.claimDueMessages(endpointKey: "pcp-a", limit: 2, leaseOwner: "w\(worker)", lease: .seconds(60))
                        }
                        if claimed.isEmpty {
                            idleRounds += 1
                            try await Task.sleep(for: .milliseconds(5))
                            continue
                        }
                        idleRounds = 0
                        claims.ids.withLock { $0 += claimed.map(\.id) }
                        for message in claimed {
                            _ = try await store.writeAsync { try $0.markDelivered(id: message.id, remoteId: nil, remoteStatus: "201") }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let order = claims.ids.withLock { $0 }
        #expect(order.count == 30 && Set(order).count == 30)
        for participant in 0..<10 {
            #expect(order.filter { $0.hasPrefix("p\(participant)-") } == (0..<3).map { "p\(participant)-m\($0)" })
        }
        let delivered = try stores[1].read { try $0.outboundMessages(endpointKey: "pcp-a", status: .delivered, limit: 100) }
        #expect(delivered.count == 30 && delivered.allSatisfy { $0.attempts == 1 })
    }

    @Test func aCommitIsSeenByAnotherStoreAtOnce() throws {
        let database = try TestDatabase(.postgres)
        defer { database.remove() }
        let (writer, reader) = (try database.openStore(), try database.openStore())
        #expect(try reader.read { try $0.domainRow(kind: "k", key: "x") } == nil)
        try writer.write { _ = try $0.upsertDomainRow(kind: "k", key: "x", participantKey: nil, json: Data("{}".utf8)) }
        #expect(try reader.read { try $0.domainRow(kind: "k", key: "x")?.json } == Data("{}".utf8))
    }

    @Test func placeholdersAreNumberedOutsideQuotes() {
        #expect(PostgresConnection.numberPlaceholders("SELECT ?, '?', \"a?\", ? WHERE x = ?") == "SELECT $1, '?', \"a?\", $2 WHERE x = $3")
    }

    /// The claims in the order they committed, shared by the workers.
    final class ClaimLog: Sendable {
        let ids = Mutex<[String]>([])
    }

    func caught(_ body: () throws -> Void) -> (any Error)? {
        do { try body() } catch { return error }
        return nil
    }

    func expectNoSecret(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return
        }
        for text in ["\(error)", String(reflecting: error), error.localizedDescription] {
            #expect(!text.contains("SECRET"), "leaked: \(text)", sourceLocation: sourceLocation)
        }
    }
}
