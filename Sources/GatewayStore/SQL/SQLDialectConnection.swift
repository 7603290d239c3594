import Foundation

/// A value bound to a statement by the shared unit of work, with its kind even when it is NULL;
/// each engine maps it to its own representation (SQLite: integers for times and booleans).
enum StoreValue {
    case text(String?)
    case integer(Int64?)
    case blob(Data)
    case timestamp(StoreTimestamp?)
    case bool(Bool)
    case double(Double?)

    static func int(_ value: Int) -> StoreValue { .integer(Int64(value)) }
}

/// The current row of a result, read by column index; valid only inside the row closure.
protocol SQLRowReading: SendableMetatype {
    func int64(_ column: Int32) -> Int64
    func int(_ column: Int32) -> Int
    func double(_ column: Int32) -> Double
    func bool(_ column: Int32) -> Bool
    func isNull(_ column: Int32) -> Bool
    func text(_ column: Int32) -> String
    func optionalText(_ column: Int32) -> String?
    func blob(_ column: Int32) -> Data
    func timestamp(_ column: Int32) -> StoreTimestamp
    func optionalTimestamp(_ column: Int32) -> StoreTimestamp?
}

/// What a write that may return its row produced: the row (`RETURNING`), or only a change count
/// where the engine re-reads instead.
enum WrittenRow<Row> {
    case row(Row?)
    case changed(Int)
}

/// What differs per engine under the shared unit of work (`SQLUnitOfWork`): binding and reading
/// values, returning written rows, and locking. Statements use `?` placeholders.
protocol SQLDialectConnection: AnyObject, SendableMetatype {
    associatedtype Row: SQLRowReading
    associatedtype Value

    /// The engine's representation of a shared value.
    static func bind(_ value: StoreValue) -> Value

    /// The engine's own statement runners, in its values.
    func query<Result>(_ sql: String, _ arguments: [Value], purpose: String, row: (Row) throws -> Result) throws -> [Result]
    func run(_ sql: String, _ arguments: [Value], purpose: String) throws -> Int

    /// A condition that always holds, and "the head `h` is not a tombstone".
    static var trueCondition: String { get }
    static var headNotDeleted: String { get }
    /// Appended to the due-message query of a claim, and to the read of a resource head that
    /// will be written.
    static var claimLockClause: String { get }
    static var headLockClause: String { get }

    /// Runs an INSERT or UPDATE, returning the written row's `columns` where the engine can.
    func writeReturning<Result>(
        _ sql: String, _ arguments: [StoreValue], columns: String, purpose: String, row: (Row) throws -> Result
    ) throws -> WrittenRow<Result>

    /// Runs an INSERT and returns the `seq` it assigned; `missing` names it if none came back.
    func insertReturningSeq(_ sql: String, _ arguments: [StoreValue], purpose: String, missing: String) throws -> Int64

    /// Serialises conditional creates that share one of `keys` until commit (where writers run
    /// concurrently).
    func lockConditionalCreate(keys: [String]) throws

    /// Inserts a new resource's first version, reporting a concurrent create of the same id.
    func insertingNewResource<Result>(_ insert: () throws -> Result) throws -> Result
}

extension SQLDialectConnection {
    /// Runs one statement, returning the rows `row` makes.
    func fetch<Result>(
        _ sql: String, _ arguments: [StoreValue], purpose: String, row: (Row) throws -> Result
    ) throws -> [Result] {
        try query(sql, arguments.map(Self.bind), purpose: purpose, row: row)
    }

    /// Runs one statement that returns no rows; returns the number of rows it changed.
    @discardableResult
    func write(_ sql: String, _ arguments: [StoreValue], purpose: String) throws -> Int {
        try run(sql, arguments.map(Self.bind), purpose: purpose)
    }

    func fetch<Result>(_ sql: String, purpose: String, row: (Row) throws -> Result) throws -> [Result] {
        try fetch(sql, [], purpose: purpose, row: row)
    }

    func fetchOne<Result>(
        _ sql: String, _ arguments: [StoreValue] = [], purpose: String, row: (Row) throws -> Result
    ) throws -> Result? {
        try fetch(sql, arguments, purpose: purpose, row: row).first
    }
}
