import Foundation
import Testing
@testable import GatewayStore

/// Migration 5 re-keys the search rows by the seq of the version they index. A store left at
/// migration 4 by the previous version, with rows as that version wrote them (keyed by type and
/// id, under a foreign key), opens with its rows still found, and a later write of the resource
/// replaces them (the old rows do not linger as a second match).
@Suite("Migration 5: search rows keyed by version")
struct SearchRowMigrationTests {
    @Test(arguments: StoreEngine.allCases)
    func rowsOfAVersion4StoreAreFoundAndReplaced(engine: StoreEngine) throws {
        let database = try TestDatabase(engine)
        defer { database.remove() }
        try Self.makeVersion4Store(database)

        let store = try database.openStore()
        let byCode = ResourceQuery(type: "Observation", criteria: [.token("code", [TokenMatch(system: .exactly("http://loinc.org"), code: "15074-8")])])
        let byFamily = ResourceQuery(type: "Patient", criteria: [.string("family", [.startsWith("mul")])])
        try store.read { (reader) throws in
            #expect(try reader.search(byCode).resources.map(\.id) == ["o1"])
            #expect(try reader.search(byFamily).resources.map(\.id) == ["p1"])
            // A composite still matches within one value: the two rows share seq and group.
            let composite = ResourceQuery(type: "Observation", criteria: [.composite([[
                .token("code-value-quantity$0", [TokenMatch(system: .any, code: "15074-8")]),
                .token("code-value-quantity$1", [TokenMatch(system: .any, code: "high")]),
            ]])])
            #expect(try reader.search(composite).resources.map(\.id) == ["o1"])
        }
        try store.write { (transaction) throws in
            _ = try transaction.update(
                type: "Observation", id: "o1", body: Data("{}".utf8),
                index: SearchIndex(tokens: [.init(parameter: "code", system: "http://loinc.org", code: "8867-4")]),
                ifMatch: 1, createIfMissing: false)
        }
        try store.read { (reader) throws in
            #expect(try reader.search(byCode).resources.isEmpty)
            let byNewCode = ResourceQuery(type: "Observation", criteria: [.token("code", [TokenMatch(system: .any, code: "8867-4")])])
            #expect(try reader.search(byNewCode).resources.map(\.id) == ["o1"])
        }
    }

    /// Migrations 1 to 4 and, as version 4 wrote them, a patient and an observation with rows.
    static func makeVersion4Store(_ database: TestDatabase) throws {
        switch database.engine {
        case .sqlite:
            let connection = try SQLiteConnection(path: try #require(database.sqlitePath), readOnly: false)
            for migration in SQLiteMigrations.all where migration.version <= 4 {
                try connection.execute(migration.sql, purpose: "apply migration")
                try connection.execute("PRAGMA user_version = \(migration.version)", purpose: "record migration")
            }
            try connection.execute(rows(time: "0", false: "0"), purpose: "version 4 rows")
        case .postgres:
            let connection = try PostgresConnection(url: try #require(database.postgresURL))
            for migration in PostgresMigrations.all where migration.version <= 4 {
                try connection.execute(migration.sql, purpose: "apply migration")
                try connection.execute(
                    "INSERT INTO schema_migration (version, name, applied_at) VALUES (\(migration.version), 'test', now())",
                    purpose: "record migration")
            }
            try connection.execute(rows(time: "now()", false: "false"), purpose: "version 4 rows")
        }
    }

    static func rows(time: String, false: String) -> String {
        ["Patient/p1", "Observation/o1"].map { key in
            let (type, id) = (key.split(separator: "/")[0], key.split(separator: "/")[1])
            return """
                INSERT INTO resource_version (type, id, version, last_updated, deleted, content_hash, body)
                    VALUES ('\(type)', '\(id)', 1, \(time), \(`false`), 'x', '{}');
                INSERT INTO resource_head (type, id, version, seq, last_updated, deleted)
                    SELECT '\(type)', '\(id)', 1, MAX(seq), \(time), \(`false`) FROM resource_version;
                """
        }.joined() + """
            INSERT INTO search_string (type, id, param, norm, exact, grp) VALUES ('Patient', 'p1', 'family', 'muller', 'Müller', 0);
            INSERT INTO search_token (type, id, param, system, code, grp) VALUES
                ('Observation', 'o1', 'code', 'http://loinc.org', '15074-8', 0),
                ('Observation', 'o1', 'code-value-quantity$0', 'http://loinc.org', '15074-8', 1),
                ('Observation', 'o1', 'code-value-quantity$1', '', 'high', 1);
            """
    }
}
