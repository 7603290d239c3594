import Foundation

/// The SQLite engine's unit of work: the shared one on a `SQLiteConnection`.
typealias SQLiteUnitOfWork = SQLUnitOfWork<SQLiteConnection>

extension SQLiteRow: SQLRowReading {}

/// SQLite under the shared unit of work: times are integer microseconds, booleans 0/1, and the
/// single writer (BEGIN IMMEDIATE) serialises every unit of work, so nothing is locked here.
extension SQLiteConnection: SQLDialectConnection {
    static var trueCondition: String { "1 = 1" }
    static var headNotDeleted: String { "h.deleted = 0" }
    static var claimLockClause: String { "" }
    static var headLockClause: String { "" }

    /// The change count: the caller re-reads the row.
    func writeReturning<Result>(
        _ sql: String, _ arguments: [StoreValue], columns: String, purpose: String, row: (SQLiteRow) throws -> Result
    ) throws -> WrittenRow<Result> {
        .changed(try write(sql, arguments, purpose: purpose))
    }

    func insertReturningSeq(_ sql: String, _ arguments: [StoreValue], purpose: String, missing: String) throws -> Int64 {
        try write(sql, arguments, purpose: purpose)
        return lastInsertRowID
    }

    func lockConditionalCreate(keys: [String]) throws {}

    func insertingNewResource<Result>(_ insert: () throws -> Result) throws -> Result { try insert() }

    static func bind(_ value: StoreValue) -> SQLValue {
        switch value {
        case .text(let text): .optionalText(text)
        case .integer(let number): number.map(SQLValue.integer) ?? .null
        case .blob(let data): .blob(data)
        case .timestamp(let time): .optionalTimestamp(time)
        case .bool(let flag): .integer(flag ? 1 : 0)
        case .double(let number): number.map(SQLValue.real) ?? .null
        }
    }
}
