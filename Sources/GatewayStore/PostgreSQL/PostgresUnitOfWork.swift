import Foundation

/// A unit of work (or a read snapshot) on one pooled connection, handed to the caller's closure.
///
/// Confined to the thread running the closure; `finish()` makes every later use throw. The
/// first operation that throws marks it failed, which PostgreSQL itself enforces: the server
/// refuses every later statement of an aborted transaction.
final class PostgresUnitOfWork: StoreTransaction {
    let connection: PostgresConnection
    let now: StoreTimestamp
    private let writable: Bool
    /// An operation threw: the unit of work may only roll back.
    private(set) var failed = false
    private var finished = false

    init(connection: PostgresConnection, now: StoreTimestamp, writable: Bool) {
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
