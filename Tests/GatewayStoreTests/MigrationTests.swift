import Foundation
import Testing
@testable import GatewayStore

@Suite("Migrations and opening")
struct MigrationTests {
    @Test func migratesAnEmptyFileAndSetsDurablePragmas() throws {
        try withFileStore { (store, directory) throws in
            #expect(try store.currentSchemaVersion() == SQLiteGatewayStore.schemaVersion)
            #expect(SQLiteGatewayStore.schemaVersion >= 1)
            #expect(try store.writerPragma("journal_mode") == "wal")
            #expect(try store.writerPragma("synchronous") == "2")  // FULL
            #expect(try store.writerPragma("foreign_keys") == "1")
            #expect(FileManager.default.fileExists(atPath: directory.databasePath))
        }
    }

    @Test func reopeningIsIdempotentAndKeepsData() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let created = try SQLiteGatewayStore(path: directory.databasePath).write { (transaction) throws in
            try transaction.create(type: "Patient", id: nil, body: patientBody("Ada"), index: .empty)
        }
        for _ in 0..<3 {
            let store = try SQLiteGatewayStore(path: directory.databasePath)
            #expect(try store.currentSchemaVersion() == SQLiteGatewayStore.schemaVersion)
            #expect(try store.read { try $0.read(type: "Patient", id: created.id) } == created)
        }
        let connection = try SQLiteConnection(path: directory.databasePath, readOnly: true)
        let recorded = try connection.query("SELECT version FROM schema_migration ORDER BY version", purpose: "test") { $0.int(0) }
        #expect(recorded == SQLiteMigrations.all.map(\.version))
    }

    @Test func refusesADatabaseFromANewerGatewayAndLeavesItUntouched() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        do {
            let connection = try SQLiteConnection(path: directory.databasePath, readOnly: false)
            try connection.execute("CREATE TABLE future (x); PRAGMA user_version = 99", purpose: "test")
        }
        #expect(throws: StoreError.schemaTooNew(found: 99, supported: SQLiteGatewayStore.schemaVersion)) {
            _ = try SQLiteGatewayStore(path: directory.databasePath)
        }
        let connection = try SQLiteConnection(path: directory.databasePath, readOnly: true)
        #expect(try connection.queryOne("PRAGMA user_version", purpose: "test") { $0.int(0) } == 99)
        #expect(try connection.queryOne("PRAGMA journal_mode", purpose: "test") { $0.text(0) } == "delete")
        let error = StoreError.schemaTooNew(found: 99, supported: 1)
        #expect(error.description.contains("newer"))
    }

    @Test func refusesAFileThatIsNotADatabase() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: directory.databasePath))
        #expect(throws: StoreError.corrupt(operation: "read schema version")) {
            _ = try SQLiteGatewayStore(path: directory.databasePath)
        }
    }

    @Test func inMemoryStoreWorks() throws {
        let store = try SQLiteGatewayStore.inMemory()
        let created = try store.write { try $0.create(type: "Patient", id: "p1", body: patientBody("Ada"), index: .empty) }
        #expect(try store.read { try $0.read(type: "Patient", id: "p1") } == created)
    }
}
