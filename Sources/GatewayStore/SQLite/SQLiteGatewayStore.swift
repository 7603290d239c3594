import Foundation
import Synchronization
internal import CSQLite

/// The embedded store: one SQLite file in WAL mode (ARCHITECTURE.md decision 5).
///
/// One writer connection, used under a lock, runs every unit of work as `BEGIN IMMEDIATE` ...
/// `COMMIT`: taking the write lock up front means a unit of work never fails half-way on a lock
/// upgrade, and it serialises conditional creates and outbox claims, also against other
/// processes on the same file (the importer beside the server). Reads use a small pool of
/// separate connections, each in its own snapshot, so they never wait for the writer.
///
/// Durability: the writer runs with `PRAGMA synchronous=FULL`. In WAL mode, `NORMAL` survives a
/// crash of the process but may lose the last transactions on power loss or an OS crash, because
/// the WAL is synced only at checkpoints. The gateway acknowledges a request (2xx) or reports a
/// file as imported only after its transaction has committed, and a PCP must never be told of a
/// change the gateway then forgets; so each commit syncs the WAL to disk before it returns, and
/// an acknowledged write survives power loss. The cost is one `fsync` per unit of work.
public final class SQLiteGatewayStore: GatewayStore, @unchecked Sendable {
    // @unchecked Sendable: `writer` is used only while `writerLock` is held, and each reader
    // connection is owned by one thread between `takeReader` and `returnReader`, which move it
    // in and out of `idleReaders` under `readerLock`. Everything else is immutable or atomic.

    /// Where the database lives (`:memory:` for the in-memory mode).
    public let path: String
    /// The schema version this code writes.
    public static var schemaVersion: Int { SQLiteMigrations.latestVersion }

    /// Bytes SQLite holds on the heap in this process (page caches, statements): bounded by the
    /// caches' configured sizes, so a soak tells it apart from memory that keeps growing.
    public static var engineMemoryBytes: Int64 { sqlite3_memory_used() }

    private let writer: SQLiteConnection
    private let writerLock = NSLock()
    /// The thread inside `write`, to refuse a nested `write` instead of deadlocking.
    private let writerThread = Atomic<UInt>(0)
    private let inMemory: Bool
    private let readerLock = NSLock()
    private var idleReaders: [SQLiteConnection] = []
    private let maximumIdleReaders = 4
    private let busyTimeoutMilliseconds: Int32
    private let clock: @Sendable () -> StoreTimestamp

    /// Opens or creates the database file and brings its schema up to date.
    ///
    /// - Parameters:
    ///   - busyTimeout: how long a unit of work waits for another process's write lock before
    ///     failing with `StoreError.busy`.
    ///   - clock: the source of `StoreTransaction.now` (tests pass a fixed clock).
    /// - Throws: `StoreError.schemaTooNew` when a newer gateway wrote the file (it is left
    ///   untouched), `corrupt` when it is not a database.
    public init(
        path: String, busyTimeout: Duration = .seconds(10),
        clock: @escaping @Sendable () -> StoreTimestamp = { StoreTimestamp.now() }
    ) throws {
        self.path = path
        self.inMemory = path == ":memory:"
        self.clock = clock
        let (seconds, attoseconds) = busyTimeout.components
        self.busyTimeoutMilliseconds = Int32(clamping: seconds * 1000 + attoseconds / 1_000_000_000_000_000)
        // Created 0600 before SQLite opens it, so the file and the -wal and -shm that SQLite
        // gives the same mode are never readable by other users of the host.
        if !inMemory, !path.hasPrefix("file:") { try PrivateFile.createIfAbsent(path) }
        writer = try SQLiteConnection(path: path, readOnly: false)
        try configureWriter()
        try migrate()
    }

    /// A private database that lives as long as the store (tests). Reads go through the writer.
    public static func inMemory(clock: @escaping @Sendable () -> StoreTimestamp = { StoreTimestamp.now() }) throws -> SQLiteGatewayStore {
        try SQLiteGatewayStore(path: ":memory:", clock: clock)
    }

    private func configureWriter() throws {
        try writer.execute("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", purpose: "set busy timeout")
        // Reads the file header first: a file that is not a database fails here, and a newer
        // schema is refused before anything (even the journal mode) is changed in the file.
        _ = try writer.queryOne("PRAGMA schema_version", purpose: "read schema version") { $0.int(0) }
        let found = try userVersion()
        if found > SQLiteMigrations.latestVersion {
            throw StoreError.schemaTooNew(found: found, supported: SQLiteMigrations.latestVersion)
        }
        let mode = try writer.queryOne("PRAGMA journal_mode = WAL", purpose: "enable WAL") { $0.text(0) } ?? ""
        guard mode == "wal" || (inMemory && mode == "memory") else {
            throw StoreError.engine(code: 0, operation: "enable WAL", message: "journal mode is \(mode)")
        }
        try writer.execute("PRAGMA synchronous = FULL", purpose: "set synchronous")
        try writer.execute("PRAGMA foreign_keys = ON", purpose: "enable foreign keys")
        // A write of a resource dirties ~25 pages (its body, its heads, one page of each index
        // its ~15 search rows land in): an import's unit of work is thousands of pages. The
        // default 2 MiB cache spilled and re-read them mid-transaction, and the default
        // checkpoint every 1,000 pages copied each page back to the file after nearly every
        // commit; measured on the Synthea import, these two cut its pwrite calls by a third.
        try writer.execute("PRAGMA cache_size = -\(Self.writerCacheKibibytes)", purpose: "set cache size")
        try writer.execute("PRAGMA wal_autocheckpoint = \(Self.checkpointPages)", purpose: "set checkpoint interval")
    }

    /// The writer's page cache, in KiB (readers keep SQLite's default).
    static let writerCacheKibibytes = 64 * 1024
    /// WAL pages between automatic checkpoints (40 MB at 4 KiB pages; SQLite's default is 1,000).
    static let checkpointPages = 10_000

    // MARK: Migrations

    /// Applies the missing migrations, each in one `BEGIN IMMEDIATE` transaction; the version
    /// is read again under the lock, so two processes starting together migrate once.
    private func migrate() throws {
        let supported = SQLiteMigrations.latestVersion
        for migration in SQLiteMigrations.all {
            try writer.execute("BEGIN IMMEDIATE", purpose: "begin migration")
            do {
                let current = try userVersion()
                if current > supported { throw StoreError.schemaTooNew(found: current, supported: supported) }
                if current >= migration.version {
                    try writer.execute("COMMIT", purpose: "end migration")
                    continue
                }
                try writer.execute(migration.sql, purpose: "apply migration \(migration.version)")
                try writer.run(
                    "INSERT INTO schema_migration (version, name, applied_at) VALUES (?, ?, ?)",
                    [.int(migration.version), .text(migration.name), .timestamp(clock())],
                    purpose: "record migration")
                try writer.execute("PRAGMA user_version = \(migration.version)", purpose: "record migration")
                try writer.execute("COMMIT", purpose: "commit migration")
            } catch {
                try? writer.execute("ROLLBACK", purpose: "roll back migration")
                throw error
            }
        }
        let final = try userVersion()
        if final > supported { throw StoreError.schemaTooNew(found: final, supported: supported) }
    }

    private func userVersion() throws -> Int {
        try writer.queryOne("PRAGMA user_version", purpose: "read schema version") { $0.int(0) } ?? 0
    }

    /// The schema version recorded in the file.
    public func currentSchemaVersion() throws -> Int {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try userVersion()
    }

    // MARK: Units of work

    public func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T {
        let thread = currentThreadID()
        if writerThread.load(ordering: .acquiring) == thread {
            throw StoreError.misuse("write called inside a write on the same store")
        }
        writerLock.lock()
        writerThread.store(thread, ordering: .releasing)
        defer {
            writerThread.store(0, ordering: .releasing)
            writerLock.unlock()
        }
        try writer.execute("BEGIN IMMEDIATE", purpose: "begin write")
        let transaction = SQLiteUnitOfWork(connection: writer, now: clock(), writable: true)
        do {
            let result = try work(transaction)
            transaction.finish()
            if transaction.failed { throw StoreError.transactionAborted }
            try writer.execute("COMMIT", purpose: "commit")
            return result
        } catch {
            transaction.finish()
            try? writer.execute("ROLLBACK", purpose: "roll back")
            throw error
        }
    }

    public func read<T>(_ work: (any StoreReader) throws -> T) throws -> T {
        if inMemory {
            let thread = currentThreadID()
            if writerThread.load(ordering: .acquiring) == thread {
                throw StoreError.misuse("read of an in-memory store inside a write; use the transaction")
            }
            writerLock.lock()
            defer { writerLock.unlock() }
            return try read(on: writer, work)
        }
        let connection = try takeReader()
        defer { returnReader(connection) }
        return try read(on: connection, work)
    }

    private func read<T>(on connection: SQLiteConnection, _ work: (any StoreReader) throws -> T) throws -> T {
        try connection.execute("BEGIN DEFERRED", purpose: "begin read")
        let reader = SQLiteUnitOfWork(connection: connection, now: clock(), writable: false)
        defer {
            reader.finish()
            try? connection.execute("COMMIT", purpose: "end read")
        }
        return try work(reader)
    }

    private func takeReader() throws -> SQLiteConnection {
        readerLock.lock()
        let idle = idleReaders.popLast()
        readerLock.unlock()
        if let idle { return idle }
        let connection = try SQLiteConnection(path: path, readOnly: false)
        try connection.execute("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", purpose: "set busy timeout")
        try connection.execute("PRAGMA query_only = ON", purpose: "make reader read-only")
        return connection
    }

    private func returnReader(_ connection: SQLiteConnection) {
        readerLock.lock()
        defer { readerLock.unlock() }
        if idleReaders.count < maximumIdleReaders { idleReaders.append(connection) }
    }

    /// A pragma's value on the writer connection (tests check `journal_mode` and `synchronous`).
    func writerPragma(_ name: String) throws -> String {
        writerLock.lock()
        defer { writerLock.unlock() }
        return try writer.queryOne("PRAGMA \(name)", purpose: "read pragma") { $0.text(0) } ?? ""
    }

    /// Copies the WAL into the database file and truncates it (for backups and clean shutdown).
    /// Checkpoints the WAL, and gives the query planner statistics first: without `sqlite_stat1`
    /// SQLite picks the time index for `Observation?patient=…&code=…` and reads every Observation
    /// (gateway-bench search: 406 ms p50 at 100k resources, 11 ms after ANALYZE). The first close
    /// of a store analyses it once; later ones run `PRAGMA optimize`, which re-analyses only what
    /// changed enough.
    public func checkpoint() throws {
        writerLock.lock()
        defer { writerLock.unlock() }
        let analysed = try writer.queryOne(
            "SELECT COUNT(*) FROM sqlite_master WHERE name = 'sqlite_stat1'", purpose: "look for planner statistics") { $0.int(0) } ?? 0
        try writer.execute(analysed > 0 ? "PRAGMA optimize" : "ANALYZE", purpose: "planner statistics")
        try writer.execute("PRAGMA wal_checkpoint(TRUNCATE)", purpose: "checkpoint")
    }
}

/// An id for the calling thread, never 0.
private func currentThreadID() -> UInt {
    #if canImport(Glibc) || canImport(Musl)
    return UInt(pthread_self())
    #else
    return UInt(bitPattern: Int(bitPattern: pthread_self()))
    #endif
}
