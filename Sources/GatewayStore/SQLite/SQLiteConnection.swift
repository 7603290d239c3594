import Foundation
internal import CSQLite

/// A value bound to or read from a statement.
enum SQLValue {
    case null
    case integer(Int64)
    case text(String)
    case blob(Data)
    case real(Double)

    static func optionalText(_ text: String?) -> SQLValue { text.map(SQLValue.text) ?? .null }
    static func optionalTimestamp(_ time: StoreTimestamp?) -> SQLValue { time.map { .integer($0.microsecondsSinceEpoch) } ?? .null }
    static func timestamp(_ time: StoreTimestamp) -> SQLValue { .integer(time.microsecondsSinceEpoch) }
    static func int(_ value: Int) -> SQLValue { .integer(Int64(value)) }
}

/// One SQLite connection with its prepared-statement cache. Not thread-safe: the store confines
/// each connection to one thread at a time (the writer behind its lock, readers by the pool).
final class SQLiteConnection {
    let handle: OpaquePointer
    private var statements: [String: OpaquePointer] = [:]
    /// Statements are persistent and kept; search builds its SQL from the query's shape, so the
    /// number of distinct texts is bounded by the shapes the API uses. Past this, new texts are
    /// prepared for one use.
    private static let statementCacheLimit = 256

    /// `SQLITE_OPEN_NOMUTEX`: the store serialises access itself, so SQLite's own mutexes are
    /// pure cost (GRDB's recipe).
    init(path: String, readOnly: Bool) throws {
        var db: OpaquePointer?
        let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE)
            | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_URI
        let code = sqlite3_open_v2(path, &db, flags, nil)
        guard code == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw StoreError.engine(code: code, operation: "open database", message: message)
        }
        handle = db
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        for statement in statements.values { sqlite3_finalize(statement) }
        sqlite3_close_v2(handle)
    }

    /// Runs SQL text without arguments (pragmas, migrations, BEGIN/COMMIT). May hold several
    /// statements.
    func execute(_ sql: String, purpose: String) throws {
        let code = sqlite3_exec(handle, sql, nil, nil, nil)
        guard code == SQLITE_OK else { throw error(code: code, purpose: purpose) }
    }

    /// Runs one statement, returning the rows `row` makes.
    func query<Row>(
        _ sql: String, _ arguments: [SQLValue] = [], purpose: String, row: (SQLiteRow) throws -> Row
    ) throws -> [Row] {
        let (statement, cached) = try prepare(sql, purpose: purpose)
        defer {
            sqlite3_reset(statement)
            sqlite3_clear_bindings(statement)
            if !cached { sqlite3_finalize(statement) }
        }
        try bind(arguments, to: statement, purpose: purpose)
        var rows: [Row] = []
        while true {
            let code = sqlite3_step(statement)
            if code == SQLITE_DONE { break }
            guard code == SQLITE_ROW else { throw error(code: code, purpose: purpose) }
            rows.append(try row(SQLiteRow(statement: statement)))
        }
        return rows
    }

    func queryOne<Row>(
        _ sql: String, _ arguments: [SQLValue] = [], purpose: String, row: (SQLiteRow) throws -> Row
    ) throws -> Row? {
        try query(sql, arguments, purpose: purpose, row: row).first
    }

    /// Runs one statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [SQLValue] = [], purpose: String) throws -> Int {
        _ = try query(sql, arguments, purpose: purpose) { _ in () }
        return Int(sqlite3_changes(handle))
    }

    var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    private func prepare(_ sql: String, purpose: String) throws -> (OpaquePointer, cached: Bool) {
        if let statement = statements[sql] { return (statement, true) }
        let cache = statements.count < Self.statementCacheLimit
        var statement: OpaquePointer?
        let flags = cache ? UInt32(SQLITE_PREPARE_PERSISTENT) : 0
        let code = sqlite3_prepare_v3(handle, sql, -1, flags, &statement, nil)
        guard code == SQLITE_OK, let statement else { throw error(code: code, purpose: purpose) }
        if cache { statements[sql] = statement }
        return (statement, cache)
    }

    private func bind(_ arguments: [SQLValue], to statement: OpaquePointer, purpose: String) throws {
        for (offset, value) in arguments.enumerated() {
            let index = Int32(offset + 1)
            let code: Int32
            switch value {
            case .null: code = sqlite3_bind_null(statement, index)
            case .integer(let number): code = sqlite3_bind_int64(statement, index, number)
            case .real(let number): code = sqlite3_bind_double(statement, index, number)
            case .text(let text): code = sqlite3_bind_text(statement, index, text, -1, sqliteTransient)
            case .blob(let data):
                if data.isEmpty {
                    // A nil pointer would bind NULL; an empty body is an empty blob.
                    code = sqlite3_bind_zeroblob(statement, index, 0)
                } else {
                    code = data.withUnsafeBytes { bytes in
                        sqlite3_bind_blob(statement, index, bytes.baseAddress, Int32(bytes.count), sqliteTransient)
                    }
                }
            }
            guard code == SQLITE_OK else { throw error(code: code, purpose: purpose) }
        }
    }

    /// Maps a result code to a `StoreError`. The message is SQLite's, about the static SQL and
    /// the schema: it cannot quote a bound value.
    func error(code: Int32, purpose: String) -> StoreError {
        let extended = sqlite3_extended_errcode(handle)
        let primary = code & 0xff
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED: return .busy(operation: purpose)
        case SQLITE_CORRUPT, SQLITE_NOTADB: return .corrupt(operation: purpose)
        case SQLITE_CONSTRAINT where extended == constraintUnique || extended == constraintPrimaryKey:
            return .duplicate(what: purpose)
        default:
            let message = String(cString: sqlite3_errmsg(handle))
            return .engine(code: extended != 0 ? extended : code, operation: purpose, message: message)
        }
    }
}

/// `SQLITE_CONSTRAINT_UNIQUE` and `SQLITE_CONSTRAINT_PRIMARYKEY`, whose macros do not import.
private let constraintUnique = SQLITE_CONSTRAINT | (8 << 8)
private let constraintPrimaryKey = SQLITE_CONSTRAINT | (6 << 8)

/// `SQLITE_TRANSIENT`, which does not import: SQLite copies the bytes before the call returns.
private let sqliteTransient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

/// The current row of a statement; valid only inside the row closure.
struct SQLiteRow {
    let statement: OpaquePointer

    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(statement, column) }
    func int(_ column: Int32) -> Int { Int(sqlite3_column_int64(statement, column)) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(statement, column) }
    func bool(_ column: Int32) -> Bool { sqlite3_column_int64(statement, column) != 0 }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(statement, column) == SQLITE_NULL }

    func text(_ column: Int32) -> String {
        guard let pointer = sqlite3_column_text(statement, column) else { return "" }
        return String(cString: pointer)
    }

    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }

    func timestamp(_ column: Int32) -> StoreTimestamp { StoreTimestamp(microsecondsSinceEpoch: int64(column)) }

    func optionalTimestamp(_ column: Int32) -> StoreTimestamp? { isNull(column) ? nil : timestamp(column) }

    func blob(_ column: Int32) -> Data {
        let count = Int(sqlite3_column_bytes(statement, column))
        guard count > 0, let pointer = sqlite3_column_blob(statement, column) else { return Data() }
        return Data(bytes: pointer, count: count)
    }
}
