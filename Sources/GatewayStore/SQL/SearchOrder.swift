import Foundation

/// The sort keys of a search as SQL, and the keyset cursor over them.
///
/// Each key is a column of the result (`k0`, `k1`, …): the head's own `last_updated`, `seq` or
/// `id`, or a parameter's lowest (ascending) or highest (descending) indexed value
/// (search.html §3.1.1.5.4). A resource without a value sorts last either way, through a
/// sentinel beyond every real value, so the keys are never NULL and a row-by-row comparison
/// works for the cursor. The last key is always unique (`seq` for the default order, `id`
/// otherwise), so pages never overlap.
struct SearchOrder {
    struct Column {
        var expression: SQLFragment
        var descending: Bool
        var kind: Kind
    }

    enum Kind: Character {
        case text = "t", integer = "i", double = "d", timestamp = "m"
    }

    enum Value: Equatable {
        case text(String)
        case integer(Int64)
        case double(Double)
        case timestamp(StoreTimestamp)

        var bound: StoreValue {
            switch self {
            case .text(let text): .text(text)
            case .integer(let number): .integer(number)
            case .double(let number): .double(number)
            case .timestamp(let time): .timestamp(time)
            }
        }
    }

    let columns: [Column]

    init(_ sort: [SortKey]) {
        if sort.isEmpty {
            columns = [
                Column(expression: SQLFragment("h.last_updated"), descending: true, kind: .timestamp),
                Column(expression: SQLFragment("h.seq"), descending: true, kind: .integer),
            ]
            return
        }
        var columns = sort.map(Self.column)
        if case .id = sort.last {} else { columns.append(Self.column(.id(descending: false))) }
        self.columns = columns
    }

    private static func column(_ key: SortKey) -> Column {
        switch key {
        case .lastUpdated(let descending):
            return Column(expression: SQLFragment("h.last_updated"), descending: descending, kind: .timestamp)
        case .id(let descending):
            return Column(expression: SQLFragment("h.id"), descending: descending, kind: .text)
        case .parameter(let parameter, let table, let descending):
            let aggregate = descending ? "MAX" : "MIN"
            let (column, kind, sentinel): (String, Kind, StoreValue) = switch table {
            case .token: ("code", .text, .text(descending ? "" : SearchSQL.upperBound))
            case .reference: ("target", .text, .text(descending ? "" : SearchSQL.upperBound))
            case .string: ("norm", .text, .text(descending ? "" : SearchSQL.upperBound))
            case .uri: ("value", .text, .text(descending ? "" : SearchSQL.upperBound))
            case .date: (descending ? "high" : "low", .timestamp, .timestamp(descending ? .distantPast : .distantFuture))
            case .number, .quantity: (descending ? "high" : "low", .double, .double(descending ? -1e308 : 1e308))
            }
            return Column(
                expression: SQLFragment(
                    "COALESCE((SELECT \(aggregate)(o.\(column)) FROM \(table.sqlName) o WHERE o.seq = h.seq "
                        + "AND o.param = ?), ?)",
                    [.text(parameter), sentinel]),
                descending: descending, kind: kind)
        }
    }

    var orderBy: String {
        columns.indices.map { "k\($0) \(columns[$0].descending ? "DESC" : "ASC")" }.joined(separator: ", ")
    }

    /// The select-list entries, named `k0`, `k1`, … for `orderBy`.
    var selectList: SQLFragment {
        SQLFragment.joined(columns.indices.map { index in
            SQLFragment(columns[index].expression.sql + " AS k\(index)", columns[index].expression.arguments)
        }, by: ", ")
    }

    func values<Row: SQLRowReading>(_ row: Row, from first: Int32) -> [Value] {
        columns.indices.map { index in
            let column = first + Int32(index)
            switch columns[index].kind {
            case .text: return .text(row.text(column))
            case .integer: return .integer(row.int64(column))
            case .double: return .double(row.double(column))
            case .timestamp: return .timestamp(row.timestamp(column))
            }
        }
    }

    /// What the cursor's first part must be: the shape of the keys, so a cursor from another
    /// sort order is refused rather than misread.
    private var shape: String {
        String(columns.map { $0.kind.rawValue }) + String(columns.map { $0.descending ? "d" : "a" })
    }

    func cursor(_ values: [Value]) -> SearchCursor {
        var parts: [String] = []
        for value in values {
            switch value {
            case .text(let text): parts.append(Data(text.utf8).base64URLEncoded)
            case .integer(let number): parts.append(String(number))
            case .double(let number): parts.append(String(number.bitPattern, radix: 16))
            case .timestamp(let time): parts.append(String(time.microsecondsSinceEpoch))
            }
        }
        return SearchCursor(token: "k" + shape + "." + parts.joined(separator: "."))
    }

    /// Rows after the cursor's: `(k0 > v0) OR (k0 = v0 AND k1 > v1) OR …`, each comparison in
    /// its key's direction.
    func after(_ cursor: SearchCursor) throws -> SQLFragment {
        let parts = cursor.token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == columns.count + 1, parts[0] == "k" + shape else {
            throw StoreError.misuse("a cursor of another search")
        }
        var values: [Value] = []
        for (column, text) in zip(columns, parts.dropFirst()) {
            switch column.kind {
            case .text:
                guard let data = Data(base64URLEncoded: text) else { throw StoreError.misuse("an invalid search cursor") }
                values.append(.text(String(decoding: data, as: UTF8.self)))
            case .integer:
                guard let number = Int64(text) else { throw StoreError.misuse("an invalid search cursor") }
                values.append(.integer(number))
            case .double:
                guard let bits = UInt64(text, radix: 16) else { throw StoreError.misuse("an invalid search cursor") }
                values.append(.double(Double(bitPattern: bits)))
            case .timestamp:
                guard let number = Int64(text) else { throw StoreError.misuse("an invalid search cursor") }
                values.append(.timestamp(StoreTimestamp(microsecondsSinceEpoch: number)))
            }
        }
        var alternatives: [SQLFragment] = []
        for index in columns.indices {
            var parts: [SQLFragment] = []
            for earlier in 0..<index {
                let expression = columns[earlier].expression
                parts.append(SQLFragment("\(expression.sql) = ?", expression.arguments + [values[earlier].bound]))
            }
            let expression = columns[index].expression
            parts.append(SQLFragment(
                "\(expression.sql) \(columns[index].descending ? "<" : ">") ?", expression.arguments + [values[index].bound]))
            alternatives.append(SQLFragment("(" + SQLFragment.joined(parts, by: " AND ").sql + ")", parts.flatMap(\.arguments)))
        }
        let joined = SQLFragment.joined(alternatives, by: " OR ")
        return SQLFragment("(\(joined.sql))", joined.arguments)
    }
}

extension Data {
    var base64URLEncoded: String {
        base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URLEncoded text: String) {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        self.init(base64Encoded: base64)
    }
}
