import Foundation

/// Where every write of the gateway lands: resources as received (versioned, with their search
/// rows), the IOP domain rows, the import ledger, the outbound messages to PCPs and the audit log.
///
/// A unit of work (an HTTP transaction Bundle, one imported file, one delivery step) is ONE call
/// to `write`: everything it wrote is committed together when the closure returns, or nothing
/// is when it throws. That is the transactional outbox of ARCHITECTURE.md decisions 5 and 6: an
/// acknowledged request has committed every outbound message it causes.
///
/// Rules for every implementation (`SQLiteGatewayStore`, `PostgresGatewayStore`):
/// - The transaction value passed to the closure must not escape it; using it afterwards throws
///   `StoreError.misuse`.
/// - After any operation of a unit of work throws, the unit of work can only roll back: later
///   operations throw `StoreError.transactionAborted`, and so does `write` if the closure
///   swallowed the error. This is PostgreSQL's behaviour, made the rule for SQLite too, so code
///   that passes its tests on one engine behaves the same on the other. Expected outcomes
///   (a conditional create that matched, an enqueue whose idempotency key was taken, a lease
///   that was lost) are results, not errors.
/// - `write` is not re-entrant: calling it from inside a `write` closure throws `misuse`.
/// - Calls block the calling thread. From async code use `writeAsync` / `readAsync`, which run
///   the work off the cooperative pool. (They are named apart on purpose: an `async` overload
///   named `write` loses overload resolution to the synchronous one, which would then silently
///   block a cooperative thread.)
public protocol GatewayStore: Sendable {
    /// Runs `work` as one transaction that may write.
    func write<T>(_ work: (any StoreTransaction) throws -> T) throws -> T

    /// Runs `work` against one consistent snapshot of committed data.
    func read<T>(_ work: (any StoreReader) throws -> T) throws -> T
}

extension GatewayStore {
    /// `write` on a thread of its own, so waiting for the writer never blocks a cooperative thread.
    public func writeAsync<T: Sendable>(_ work: @escaping @Sendable (any StoreTransaction) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.write(work) })
            }
        }
    }

    /// `read` on a thread of its own.
    public func readAsync<T: Sendable>(_ work: @escaping @Sendable (any StoreReader) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try self.read(work) })
            }
        }
    }
}
