import Foundation

/// The PostgreSQL engine's unit of work: the shared one on a pooled `PostgresConnection`.
typealias PostgresUnitOfWork = SQLUnitOfWork<PostgresConnection>

extension PostgresRow: SQLRowReading {}

/// PostgreSQL under the shared unit of work: `timestamptz`, `boolean` and `bytea` values,
/// `RETURNING` for written rows, and locks, since several gateway processes write at once.
extension PostgresConnection: SQLDialectConnection {
    static var trueCondition: String { "TRUE" }
    static var headNotDeleted: String { "NOT h.deleted" }
    /// A head another worker is claiming is skipped rather than waited for; the message behind it
    /// is not a head (the skipped one is still open), so a participant's messages stay in order.
    static var claimLockClause: String { " FOR UPDATE OF m SKIP LOCKED" }
    static var headLockClause: String { " FOR UPDATE" }

    func writeReturning<Result>(
        _ sql: String, _ arguments: [StoreValue], columns: String, purpose: String, row: (PostgresRow) throws -> Result
    ) throws -> WrittenRow<Result> {
        .row(try fetchOne(sql + " RETURNING \(columns)", arguments, purpose: purpose, row: row))
    }

    func insertReturningSeq(_ sql: String, _ arguments: [StoreValue], purpose: String, missing: String) throws -> Int64 {
        guard let seq = try fetchOne(sql + " RETURNING seq", arguments, purpose: purpose, row: { $0.int64(0) }) else {
            throw StoreError.notFound(what: missing)
        }
        return seq
    }

    /// Serialises with every other conditional create that shares a token value, in this process
    /// or another, until commit; sorted keys, so two never wait for each other. At READ
    /// COMMITTED the search that follows then sees what the previous holder committed.
    func lockConditionalCreate(keys: [String]) throws {
        for key in keys {
            try write("SELECT pg_advisory_xact_lock(hashtextextended(?, 0))", [.text(key)], purpose: "lock conditional create")
        }
    }

    func insertingNewResource<Result>(_ insert: () throws -> Result) throws -> Result {
        do {
            return try insert()
        } catch StoreError.duplicate {
            // Another transaction created the same id after the check for it.
            throw StoreError.duplicate(what: "resource id already in use")
        }
    }

    static func bind(_ value: StoreValue) -> PostgresValue {
        switch value {
        case .text(let text): .text(text)
        case .integer(let number): .int8(number)
        case .blob(let data): .bytea(data)
        case .timestamp(let time): .timestamptz(time)
        case .bool(let flag): .bool(flag)
        case .double(let number): .float8(number)
        }
    }
}
