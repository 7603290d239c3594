import Foundation

/// A unit of work (or a read snapshot) on one connection, handed to the caller's closure; the
/// same rules and operations for every engine, which supplies only its `Connection`.
///
/// It is confined to the thread running the closure (the store owns the connection meanwhile)
/// and dies with it: `finish()` makes every later use throw. The first operation that throws
/// marks it failed (PostgreSQL also enforces this: it refuses every later statement of an
/// aborted transaction).
final class SQLUnitOfWork<Connection: SQLDialectConnection>: StoreTransaction {
    let connection: Connection
    let now: StoreTimestamp
    private let writable: Bool
    /// An operation threw: the unit of work may only roll back.
    private(set) var failed = false
    private var finished = false

    init(connection: Connection, now: StoreTimestamp, writable: Bool) {
        self.connection = connection
        self.now = now
        self.writable = writable
    }

    func finish() { finished = true }

    /// Runs one operation under the unit-of-work rules (see `GatewayStore`).
    func perform<Result>(writing: Bool, _ operation: () throws -> Result) throws -> Result {
        guard !finished else { throw StoreError.misuse("a transaction was used after its closure returned") }
        guard writable || !writing else { throw StoreError.misuse("a write through a read-only view") }
        guard !failed else { throw StoreError.transactionAborted }
        do {
            return try operation()
        } catch {
            failed = true
            throw error
        }
    }

    func require(_ condition: Bool, _ message: @autoclosure () -> String) throws {
        if !condition { throw StoreError.misuse(message()) }
    }
}
