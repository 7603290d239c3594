import Foundation
internal import CLibPQ

/// A value bound to a statement, with its PostgreSQL type even when it is NULL, so every
/// parameter is typed and `? IS NULL OR column = ?` needs no casts.
///
/// Parameters and results travel in PostgreSQL's binary format: a body is sent and read back as
/// its bytes (no hex or escape encoding to get wrong), and a timestamp as its microseconds.
enum PostgresValue {
    case int8(Int64?)
    case text(String?)
    case bytea(Data?)
    case timestamptz(StoreTimestamp?)
    case bool(Bool?)
    case float8(Double?)

    static func int(_ value: Int) -> PostgresValue { .int8(Int64(value)) }

    /// Type OIDs from `pg_type` (stable across releases).
    var oid: Oid {
        switch self {
        case .bool: 16
        case .bytea: 17
        case .int8: 20
        case .text: 25
        case .timestamptz: 1184
        case .float8: 701
        }
    }

    /// The binary wire form, or nil for NULL.
    var binary: [UInt8]? {
        switch self {
        case .int8(let value): value.map(bigEndianBytes)
        case .text(let value): value.map { Array($0.utf8) }
        case .bytea(let value): value.map { Array($0) }
        case .timestamptz(let value): value.map { bigEndianBytes($0.microsecondsSinceEpoch - postgresEpochOffset) }
        case .bool(let value): value.map { [$0 ? 1 : 0] }
        case .float8(let value): value.map { bigEndianBytes(Int64(bitPattern: $0.bitPattern)) }
        }
    }
}

/// Microseconds from 1970-01-01 to 2000-01-01, PostgreSQL's epoch for binary timestamps.
let postgresEpochOffset: Int64 = 946_684_800_000_000

private func bigEndianBytes(_ value: Int64) -> [UInt8] {
    withUnsafeBytes(of: value.bigEndian) { Array($0) }
}

/// One libpq connection with its prepared statements. Not thread-safe: the pool lends it to one
/// unit of work at a time.
final class PostgresConnection {
    private let handle: OpaquePointer
    /// Prepared statement names by SQL text and parameter types.
    private var statements: [String: String] = [:]
    /// As in the SQLite engine: search SQL varies with the query's shape only, so the number of
    /// texts is bounded; past this limit a text runs unprepared.
    private static let statementCacheLimit = 256

    /// Connects with a libpq URL or `key=value` string. The error keeps libpq's first line
    /// (host, port, the server's reason), which names no stored value.
    init(url: String) throws {
        guard let connection = PQconnectdb(url) else {
            throw StoreError.engine(code: 0, operation: "connect to PostgreSQL", message: "out of memory")
        }
        guard PQstatus(connection) == CONNECTION_OK else {
            let message = Self.firstLine(PQerrorMessage(connection))
            PQfinish(connection)
            throw StoreError.engine(code: 0, operation: "connect to PostgreSQL", message: message)
        }
        handle = connection
        iop_pq_silence_notices(connection)
    }

    deinit { PQfinish(handle) }

    /// False once the server or the network dropped the connection: the pool discards it.
    var isHealthy: Bool { PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// Runs SQL text without parameters (BEGIN, COMMIT, SET, migrations); it may hold several
    /// statements.
    func execute(_ sql: String, purpose: String) throws {
        let result = PQexec(handle, sql)
        defer { PQclear(result) }
        try check(result, purpose: purpose)
    }

    /// Runs one statement (`?` placeholders, numbered in order) and returns the rows `row` makes.
    func query<Row>(
        _ sql: String, _ arguments: [PostgresValue] = [], purpose: String, row: (PostgresRow) throws -> Row
    ) throws -> [Row] {
        let result = try execute(sql, arguments, purpose: purpose)
        defer { PQclear(result) }
        let reader = PostgresRow(result: result)
        var rows: [Row] = []
        let count = PQntuples(result)
        rows.reserveCapacity(Int(count))
        for index in 0..<count {
            reader.index = index
            rows.append(try row(reader))
        }
        return rows
    }

    func queryOne<Row>(
        _ sql: String, _ arguments: [PostgresValue] = [], purpose: String, row: (PostgresRow) throws -> Row
    ) throws -> Row? {
        try query(sql, arguments, purpose: purpose, row: row).first
    }

    /// Runs one statement and returns the number of rows it changed.
    @discardableResult
    func run(_ sql: String, _ arguments: [PostgresValue] = [], purpose: String) throws -> Int {
        let result = try execute(sql, arguments, purpose: purpose)
        defer { PQclear(result) }
        return Int(String(cString: PQcmdTuples(result))) ?? 0
    }

    private func execute(_ sql: String, _ arguments: [PostgresValue], purpose: String) throws -> OpaquePointer? {
        let types = arguments.map(\.oid)
        let key = sql + "\u{0}" + types.map(String.init).joined(separator: ",")
        var name = statements[key]
        if name == nil, statements.count < Self.statementCacheLimit {
            let candidate = "iop_\(statements.count + 1)"
            let prepared = PQprepare(handle, candidate, Self.numberPlaceholders(sql), Int32(types.count), types)
            defer { PQclear(prepared) }
            try check(prepared, purpose: purpose)
            statements[key] = candidate
            name = candidate
        }
        let buffers = arguments.map(\.binary)
        let pointers: [UnsafeMutablePointer<CChar>?] = buffers.map { bytes in
            guard let bytes else { return nil }
            let pointer = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, bytes.count))
            bytes.withUnsafeBytes { source in
                UnsafeMutableRawPointer(pointer).copyMemory(from: source.baseAddress ?? UnsafeRawPointer(pointer), byteCount: bytes.count)
            }
            return pointer
        }
        defer { for pointer in pointers { pointer?.deallocate() } }
        let lengths = buffers.map { Int32($0?.count ?? 0) }
        let formats = [Int32](repeating: 1, count: arguments.count)
        let values = pointers.map { UnsafePointer($0) }
        let result: OpaquePointer?
        if let name {
            result = PQexecPrepared(handle, name, Int32(arguments.count), values, lengths, formats, 1)
        } else {
            result = PQexecParams(
                handle, Self.numberPlaceholders(sql), Int32(arguments.count), types, values, lengths, formats, 1)
        }
        do {
            try check(result, purpose: purpose)
        } catch {
            PQclear(result)
            throw error
        }
        return result
    }

    /// `?` → `$1`, `$2`, ... outside quoted text, so statements read like the SQLite engine's.
    static func numberPlaceholders(_ sql: String) -> String {
        var output = ""
        output.reserveCapacity(sql.utf8.count + 16)
        var number = 0
        var quote: Character?
        for character in sql {
            if let open = quote {
                if character == open { quote = nil }
                output.append(character)
            } else if character == "'" || character == "\"" {
                quote = character
                output.append(character)
            } else if character == "?" {
                number += 1
                output += "$\(number)"
            } else {
                output.append(character)
            }
        }
        return output
    }

    /// Maps a failed result to a `StoreError`. Only the SQLSTATE and the primary message are
    /// used: the `DETAIL` field quotes key values (`Key (id)=(...) already exists`,
    /// `Failing row contains (...)`), and `PQerrorMessage` includes it, so neither is read.
    private func check(_ result: OpaquePointer?, purpose: String) throws {
        guard let result else {
            throw StoreError.engine(code: 0, operation: purpose, message: Self.firstLine(PQerrorMessage(handle)))
        }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY: return
        default: break
        }
        let sqlState = PQresultErrorField(result, iop_pq_diag_sqlstate()).map { String(cString: $0) } ?? ""
        let primary = PQresultErrorField(result, iop_pq_diag_message_primary()).map { String(cString: $0) }
            ?? "connection failed"
        throw Self.error(sqlState: sqlState, message: primary, purpose: purpose)
    }

    static func error(sqlState: String, message: String, purpose: String) -> StoreError {
        switch sqlState {
        case "23505": return .duplicate(what: purpose)
        // lock_not_available (lock_timeout), serialization_failure, deadlock_detected, query_canceled.
        case "55P03", "40001", "40P01", "57014": return .busy(operation: purpose)
        case "XX001", "XX002": return .corrupt(operation: purpose)
        default:
            return .engine(code: encodeSQLState(sqlState), operation: purpose, message: "\(message) (SQLSTATE \(sqlState))")
        }
    }

    /// PostgreSQL's own packing of a SQLSTATE into an integer (`MAKE_SQLSTATE`: six bits a
    /// character), so `StoreError.engine` carries a number for either engine.
    static func encodeSQLState(_ sqlState: String) -> Int32 {
        var code: Int32 = 0
        for (offset, byte) in sqlState.utf8.prefix(5).enumerated() {
            code |= ((Int32(byte) &- 48) & 0x3f) << (6 * offset)
        }
        return code
    }

    private static func firstLine(_ pointer: UnsafePointer<CChar>?) -> String {
        guard let pointer else { return "unknown error" }
        let text = String(cString: pointer).trimmingCharacters(in: .whitespacesAndNewlines)
        return text.split(separator: "\n").first.map(String.init) ?? "unknown error"
    }
}

/// The current row of a result in binary format; valid only inside the row closure.
final class PostgresRow {
    private let result: OpaquePointer?
    fileprivate(set) var index: Int32 = 0

    fileprivate init(result: OpaquePointer?) { self.result = result }

    func isNull(_ column: Int32) -> Bool { PQgetisnull(result, index, column) != 0 }

    private func bytes(_ column: Int32) -> UnsafeRawBufferPointer {
        let count = Int(PQgetlength(result, index, column))
        guard count > 0, let pointer = PQgetvalue(result, index, column) else { return UnsafeRawBufferPointer(start: nil, count: 0) }
        return UnsafeRawBufferPointer(start: pointer, count: count)
    }

    /// Integers of any width (int2, int4, int8: `COUNT(*)` is int8, versions are int4).
    func int64(_ column: Int32) -> Int64 {
        let raw = bytes(column)
        var value: Int64 = 0
        for byte in raw { value = value << 8 | Int64(byte) }
        // Sign-extend the narrower widths.
        let width = raw.count * 8
        if width > 0, width < 64 { value = (value << (64 - width)) >> (64 - width) }
        return value
    }

    func int(_ column: Int32) -> Int { Int(int64(column)) }
    /// A `float8` (IEEE 754 bits, big-endian on the wire); a `numeric` result would need its own
    /// decoding, so the queries cast to `float8` where they compute one.
    func double(_ column: Int32) -> Double { Double(bitPattern: UInt64(bitPattern: int64(column))) }
    func bool(_ column: Int32) -> Bool { bytes(column).first.map { $0 != 0 } ?? false }
    func text(_ column: Int32) -> String { String(decoding: bytes(column), as: UTF8.self) }
    func optionalText(_ column: Int32) -> String? { isNull(column) ? nil : text(column) }
    func blob(_ column: Int32) -> Data { Data(bytes(column)) }

    /// A `timestamptz`: microseconds since 2000-01-01 on the wire.
    func timestamp(_ column: Int32) -> StoreTimestamp {
        StoreTimestamp(microsecondsSinceEpoch: int64(column) + postgresEpochOffset)
    }

    func optionalTimestamp(_ column: Int32) -> StoreTimestamp? { isNull(column) ? nil : timestamp(column) }
}
