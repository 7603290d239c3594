import Foundation
import Synchronization

/// The shared store for several gateway processes: one PostgreSQL database through libpq
/// (ARCHITECTURE.md decision 5).
///
/// Each unit of work borrows a connection from a small pool and runs as `BEGIN` ... `COMMIT` at
/// READ COMMITTED; the places where concurrent writers could race take locks instead of relying
/// on SERIALIZABLE: a conditional create takes `pg_advisory_xact_lock` on each of its
/// `ConditionalMatch.lockKeys` before it searches, an update locks the resource's head row
/// (`FOR UPDATE`), and an outbox claim locks the queue heads it takes (`FOR UPDATE SKIP LOCKED`),
/// so two workers never claim the same message and neither waits for the other. A read runs in
/// a `REPEATABLE READ READ ONLY` transaction: one snapshot.
///
/// The schema (`PostgresMigrations`) is brought up to date at start-up under a session advisory
/// lock, so processes that start together migrate once. It lives in the connection's
/// `search_path` schema: a URL with `?options=-csearch_path%3Dname` puts it in another schema.
///
/// Errors are `StoreError`s built from the server's SQLSTATE and primary message only, never
/// its `DETAIL`, which quotes key values.
public final class PostgresGatewayStore: GatewayStore, @unchecked Sendable {
    // @unchecked Sendable: connections are confined by the pool (one borrower at a time); the
    // set of threads inside `write` is a Mutex; everything else is immutable.

    /// The schema version this code writes.
    public static var schemaVersion: Int { PostgresMigrations.latestVersion }

    private let pool: PostgresConnectionPool
    private let clock: @Sendable () -> StoreTimestamp
    /// Threads inside `write`, to refuse a nested `write` (which would wait for its own locks).
    private let writingThreads = Mutex<Set<UInt>>([])

    /// Connects, and brings the schema up to date.
    ///
    /// - Parameters:
    ///   - url: a libpq connection URL (`postgres://user@host:port/database?...`) or
    ///     `key=value` string.
    ///   - maximumConnections: the pool's size; a unit of work or read waits for a free one.
    ///   - lockTimeout: how long a statement waits for a lock held by another transaction (and a
    ///     caller for a pooled connection) before failing with `StoreError.busy`.
    ///   - clock: the source of `StoreTransaction.now` (tests pass a fixed clock).
    /// - Throws: `StoreError.schemaTooNew` when a newer gateway migrated the database (it is left
    ///   untouched), `engine` when the server cannot be reached.
    public init(
        url: String, maximumConnections: Int = 8, lockTimeout: Duration = .seconds(10),
        clock: @escaping @Sendable () -> StoreTimestamp = { StoreTimestamp.now() }
    ) throws {
        let (seconds, attoseconds) = lockTimeout.components
        let milliseconds = max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        pool = PostgresConnectionPool(url: url, maximum: maximumConnections, wait: lockTimeout) { connection in
            try connection.execute(
                "SET client_encoding = 'UTF8'; SET lock_timeout = \(milliseconds); SET application_name = 'fhir-gateway'",
                purpose: "configure connection")
        }
        self.clock = clock
        try migrate()
    }

    // MARK: Migrations

    /// Applies the missing migrations. A session advisory lock (per schema) is held around the
    /// whole run, and the version is read under it, so two processes starting at once migrate
    /// once: the second waits, then finds nothing to do.
    private func migrate() throws {
        try pool.withConnection(purpose: "migrate") { connection in
            try connection.execute(
                "SELECT pg_advisory_lock(hashtextextended('iop-fhir-gateway migrations ' || current_schema(), 0))",
                purpose: "lock migrations")
            defer {
                try? connection.execute(
                    "SELECT pg_advisory_unlock(hashtextextended('iop-fhir-gateway migrations ' || current_schema(), 0))",
                    purpose: "unlock migrations")
            }
            let supported = PostgresMigrations.latestVersion
            let found = try Self.recordedVersion(connection)
            if found > supported { throw StoreError.schemaTooNew(found: found, supported: supported) }
            for migration in PostgresMigrations.all where migration.version > found {
                try connection.execute("BEGIN", purpose: "begin migration")
                do {
                    try connection.execute(migration.sql, purpose: "apply migration \(migration.version)")
                    try connection.run(
                        "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                        [.int(migration.version), .text(migration.name), .timestamptz(clock())], purpose: "record migration")
                    try connection.execute("COMMIT", purpose: "commit migration")
                } catch {
                    try? connection.execute("ROLLBACK", purpose: "roll back migration")
                    throw error
                }
            }
        }
    }

    /// The highest recorded migration, 0 for an empty schema.
    private static func recordedVersion(_ connection: PostgresConnection) throws -> Int {
        let exists = try connection.queryOne(
            "SELECT to_regclass('schema_migration') IS NOT NULL", purpose: "read schema version") { $0.bool(0) } ?? false
        guard exists else { return 0 }
        return try connection.queryOne(
            "SELECT COALESCE(MAX(version), 0) FROM schema_migration", purpose: "read schema version") { $0.int(0) } ?? 0
    }

    /// The schema version recorded in the database.
    public func currentSchemaVersion() throws -> Int {
        try pool.withConnection(purpose: "read schema version") { try Self.recordedVersion($0) }
    }

    // MARK: Units of work

    public func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T {
        let thread = postgresThreadID()
        let entered = writingThreads.withLock { $0.insert(thread).inserted }
        guard entered else { throw StoreError.misuse("write called inside a write on the same store") }
        defer { _ = writingThreads.withLock { $0.remove(thread) } }
        return try pool.withConnection(purpose: "begin write") { connection in
            try connection.execute("BEGIN", purpose: "begin write")
            let transaction = PostgresUnitOfWork(connection: connection, now: clock(), writable: true)
            do {
                let result = try work(transaction)
                transaction.finish()
                if transaction.failed { throw StoreError.transactionAborted }
                try connection.execute("COMMIT", purpose: "commit")
                return result
            } catch {
                transaction.finish()
                try? connection.execute("ROLLBACK", purpose: "roll back")
                throw error
            }
        }
    }

    public func read<T>(_ work: (any StoreReader) throws -> T) throws -> T {
        try pool.withConnection(purpose: "begin read") { connection in
            try connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", purpose: "begin read")
            let reader = PostgresUnitOfWork(connection: connection, now: clock(), writable: false)
            defer {
                reader.finish()
                try? connection.execute("COMMIT", purpose: "end read")
            }
            return try work(reader)
        }
    }

    /// Runs `body` on a pooled connection outside any unit of work (tests).
    func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try pool.withConnection(purpose: "test", body)
    }
}

/// An id for the calling thread, never 0.
private func postgresThreadID() -> UInt {
    #if canImport(Glibc) || canImport(Musl)
    return UInt(pthread_self())
    #else
    return UInt(bitPattern: Int(bitPattern: pthread_self()))
    #endif
}
