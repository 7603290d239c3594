/// Why a store operation failed.
///
/// Descriptions name only the operation's purpose ("insert resource version") and, for the
/// engine's own failures, its result code and message. They never contain a bound value: ids,
/// identifiers, bodies and keys can be patient data, and errors end up in logs, HTTP responses
/// and dead-letter records (GRDB's `DatabaseError` hides its arguments for the same reason).
/// The SQL text is static and every value is bound, so an engine message can only name tables,
/// columns and constraints. A PostgreSQL implementation must drop the server's `DETAIL` field,
/// which quotes key values (`Key (id)=(...) already exists`).
public enum StoreError: Error, Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The thing the operation needs does not exist (`what` is a kind, never a key).
    case notFound(what: String)
    /// A version check failed: `If-Match` named `expected`, the resource is at `current`
    /// (`nil` when it does not exist). FHIR answers 412.
    case conflict(expected: Int, current: Int?)
    /// A uniqueness rule refused the write (`what` names the rule, never the value).
    case duplicate(what: String)
    /// Another connection or process held the lock past the busy timeout.
    case busy(operation: String)
    /// The database file is damaged or is not a database.
    case corrupt(operation: String)
    /// The database was written by a newer version of the gateway; it is left untouched.
    case schemaTooNew(found: Int, supported: Int)
    /// An earlier operation in this unit of work failed, so it can only roll back. Both engines
    /// behave so: PostgreSQL aborts a transaction at its first error.
    case transactionAborted
    /// The store was used against its contract (nested write, a transaction used after its
    /// closure returned, a write through a read-only view, an invalid argument).
    case misuse(String)
    /// Any other engine failure: the extended result code, the operation and the engine's message.
    case engine(code: Int32, operation: String, message: String)

    public var description: String {
        switch self {
        case .notFound(let what): "not found: \(what)"
        case .conflict(let expected, let current):
            "version conflict: expected version \(expected), current \(current.map(String.init) ?? "none")"
        case .duplicate(let what): "duplicate: \(what)"
        case .busy(let operation): "database busy during \(operation)"
        case .corrupt(let operation): "database corrupt (during \(operation))"
        case .schemaTooNew(let found, let supported):
            "database schema version \(found) is newer than this gateway supports (\(supported)); refusing to open it"
        case .transactionAborted: "an earlier operation in this unit of work failed; it was rolled back"
        case .misuse(let message): "store misuse: \(message)"
        case .engine(let code, let operation, let message): "\(operation) failed: \(message) (code \(code))"
        }
    }

    public var debugDescription: String { "StoreError(\(description))" }
}
