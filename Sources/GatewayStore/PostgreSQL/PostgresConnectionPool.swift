import Foundation

/// A small pool of connections to one database: a unit of work or a read borrows one for its
/// duration. Connections are opened on demand up to `maximum`; a borrower waits for one to come
/// back, at most `wait`, then fails with `StoreError.busy`.
final class PostgresConnectionPool: @unchecked Sendable {
    // @unchecked Sendable: `idle` and `open` are touched only under `condition`; a connection
    // belongs to exactly one borrower between `take` and `give`, or to `idle`.

    private let url: String
    private let maximum: Int
    private let wait: Duration
    /// Runs on every new connection (session settings).
    private let prepare: (PostgresConnection) throws -> Void
    private let condition = NSCondition()
    private var idle: [PostgresConnection] = []
    private var open = 0

    init(url: String, maximum: Int, wait: Duration, prepare: @escaping (PostgresConnection) throws -> Void) {
        self.url = url
        self.maximum = max(1, maximum)
        self.wait = wait
        self.prepare = prepare
    }

    /// Lends a connection to `body`. A connection that comes back broken, or still inside a
    /// transaction, is closed instead of reused.
    func withConnection<T>(purpose: String, _ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try take(purpose: purpose)
        defer { give(connection) }
        return try body(connection)
    }

    private func take(purpose: String) throws -> PostgresConnection {
        let (seconds, attoseconds) = wait.components
        let deadline = Date(timeIntervalSinceNow: Double(seconds) + Double(attoseconds) / 1e18)
        condition.lock()
        while idle.isEmpty && open >= maximum {
            if !condition.wait(until: deadline) && idle.isEmpty && open >= maximum {
                condition.unlock()
                throw StoreError.busy(operation: purpose)
            }
        }
        if let connection = idle.popLast() {
            condition.unlock()
            return connection
        }
        open += 1
        condition.unlock()
        do {
            let connection = try PostgresConnection(url: url)
            try prepare(connection)
            return connection
        } catch {
            condition.lock()
            open -= 1
            condition.signal()
            condition.unlock()
            throw error
        }
    }

    private func give(_ connection: PostgresConnection) {
        let healthy = connection.isHealthy
        condition.lock()
        if healthy { idle.append(connection) } else { open -= 1 }
        condition.signal()
        condition.unlock()
        // A discarded connection is closed here, when the last reference goes.
    }
}
