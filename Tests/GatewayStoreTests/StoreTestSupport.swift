import Foundation
import Synchronization
import GatewayTestSupport
import Testing
@testable import GatewayStore

/// A clock the test moves by hand; starts at 2024-05-01T09:00:00Z.
final class TestClock: Sendable {
    private let microseconds = Mutex<Int64>(1_714_554_000_000_000)

    var now: StoreTimestamp { StoreTimestamp(microsecondsSinceEpoch: microseconds.withLock { $0 }) }

    func advance(seconds: Int64) {
        microseconds.withLock { $0 += seconds * 1_000_000 }
    }

    var function: @Sendable () -> StoreTimestamp { { [self] in now } }
}

/// A fresh directory under the system temporary folder, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { url.appendingPathComponent("gateway.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// The engines every store test runs against.
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A fresh, empty database of one engine, from which one or several stores can be opened (two
/// stores on one database stand for two gateway processes).
///
/// SQLite: a file in a temporary directory. PostgreSQL: a schema of its own in the database
/// that `IOP_TEST_POSTGRES_URL` names, so tests run in parallel; the store's connections put it
/// first in their `search_path`. Without a reachable server the PostgreSQL case is skipped
/// (cancelled) with the reason.
struct TestDatabase {
    let engine: StoreEngine
    private let directory: TemporaryDirectory?
    private let postgres: PostgresTestSchema?

    init(_ engine: StoreEngine) throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            directory = try TemporaryDirectory()
            postgres = nil
        case .postgres:
            directory = nil
            postgres = try PostgresTestSchema.create()
        }
    }

    /// A new store instance (its own connections) on this database.
    func openStore(clock: TestClock = TestClock(), lockTimeout: Duration = .seconds(10)) throws -> any GatewayStore {
        if let directory {
            return try SQLiteGatewayStore(path: directory.databasePath, busyTimeout: lockTimeout, clock: clock.function)
        }
        return try openPostgresStore(clock: clock, lockTimeout: lockTimeout)
    }

    func openPostgresStore(clock: TestClock = TestClock(), lockTimeout: Duration = .seconds(10)) throws -> PostgresGatewayStore {
        guard let postgres else { throw StoreError.misuse("not a PostgreSQL test database") }
        return try PostgresGatewayStore(url: postgres.url, lockTimeout: lockTimeout, clock: clock.function)
    }

    /// The PostgreSQL URL of this schema.
    var postgresURL: String? { postgres?.url }

    /// The SQLite file's path.
    var sqlitePath: String? { directory?.databasePath }

    func remove() {
        directory?.remove()
        postgres?.drop()
    }
}

/// `IOP_TEST_POSTGRES_URL`, e.g. `postgres://postgres@127.0.0.1:55432/postgres` (`.ci/run` starts
/// such a server).
let postgresTestURL: String? = ProcessInfo.processInfo.environment["IOP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

/// A schema created for one test and dropped after it.
struct PostgresTestSchema {
    let adminURL: String
    let name: String

    /// The store's URL: the admin URL with the schema as `search_path`.
    var url: String {
        adminURL + (adminURL.contains("?") ? "&" : "?") + "options=-csearch_path%3D\(name)"
    }

    /// Creates the schema, or cancels the current test case when no server is configured or
    /// reachable.
    static func create() throws -> PostgresTestSchema {
        guard let adminURL = postgresTestURL else {
            try skip("set IOP_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:55432/postgres) to run them")
        }
        let connection: PostgresConnection
        do {
            connection = try PostgresConnection(url: adminURL)
        } catch {
            try skip("no server reachable at IOP_TEST_POSTGRES_URL (\(error))")
        }
        let name = "iop_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try connection.execute("CREATE SCHEMA \(name)", purpose: "create test schema")
        return PostgresTestSchema(adminURL: adminURL, name: name)
    }

    /// Cancels the current test case. A cancelled case of a parameterised test is not reported
    /// on its own, so the reason is also printed, once per run.
    private static func skip(_ reason: String) throws -> Never {
        let first = skipAnnounced.withLock { (announced: inout Bool) -> Bool in
            defer { announced = true }
            return !announced
        }
        if first { print("note: the PostgreSQL cases of GatewayStoreTests are skipped: \(reason)") }
        try Test.cancel("PostgreSQL case skipped: \(reason)")
    }

    private static let skipAnnounced = Mutex<Bool>(false)

    func drop() {
        guard let connection = try? PostgresConnection(url: adminURL) else { return }
        try? connection.execute("DROP SCHEMA IF EXISTS \(name) CASCADE", purpose: "drop test schema")
    }
}

/// Runs `body` with a store on a fresh database of `engine`.
func withStore<T>(
    _ engine: StoreEngine, clock: TestClock = TestClock(), _ body: (any GatewayStore) throws -> T
) throws -> T {
    let database = try TestDatabase(engine)
    defer { database.remove() }
    return try body(try database.openStore(clock: clock))
}

/// Runs `body` with a store on a real file in a temporary directory.
func withFileStore<T>(
    clock: TestClock = TestClock(), _ body: (SQLiteGatewayStore, TemporaryDirectory) throws -> T
) throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteGatewayStore(path: directory.databasePath, clock: clock.function)
    return try body(store, directory)
}

func patientBody(_ name: String) -> Data {
    Data(#"{"resourceType":"Patient","name":[{"family":"\#(name)"}]}"#.utf8)
}

func identifierIndex(system: String = "urn:oid:2.16.840.1.113883.4.1", value: String) -> SearchIndex {
    SearchIndex(tokens: [.init(parameter: "identifier", system: system, code: value)])
}

/// Runs a command and returns its standard output, or nil when it could not run.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let outcome = try ExternalProgram(path: executable).runToEnd(arguments)
    return (outcome.status, outcome.output)
}

/// The sqlite3 command-line shell, when installed.
let sqlite3Shell: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
