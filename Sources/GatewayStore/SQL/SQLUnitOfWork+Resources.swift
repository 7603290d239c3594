import Foundation

/// Versioned resources: `resource_version` keeps every version, `resource_head` points at the
/// current one, and the search tables hold the current version's index rows.
extension SQLUnitOfWork {
    static var versionColumns: String { "v.type, v.id, v.version, v.last_updated, v.deleted, v.content_hash, v.body" }

    static func storedResource(_ row: Connection.Row) -> StoredResource {
        StoredResource(
            type: row.text(0), id: row.text(1), versionId: row.int(2), lastUpdated: row.timestamp(3),
            isDeleted: row.bool(4), contentHash: row.text(5), body: row.blob(6))
    }

    func read(type: String, id: String) throws -> StoredResource? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.versionColumns) FROM resource_head h JOIN resource_version v ON v.seq = h.seq "
                    + "WHERE h.type = ? AND h.id = ?",
                [.text(type), .text(id)], purpose: "read resource", row: Self.storedResource)
        }
    }

    func vread(type: String, id: String, versionId: Int) throws -> StoredResource? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT \(Self.versionColumns) FROM resource_version v WHERE v.type = ? AND v.id = ? AND v.version = ?",
                [.text(type), .text(id), .int(versionId)], purpose: "read resource version", row: Self.storedResource)
        }
    }

    func history(type: String, id: String, limit: Int) throws -> [StoredResource] {
        try perform(writing: false) {
            try connection.fetch(
                "SELECT \(Self.versionColumns) FROM resource_version v WHERE v.type = ? AND v.id = ? "
                    + "ORDER BY v.version DESC LIMIT ?",
                [.text(type), .text(id), .int(max(0, limit))], purpose: "read resource history", row: Self.storedResource)
        }
    }

    func create(type: String, id: String?, body: Data, index: SearchIndex) throws -> StoredResource {
        try perform(writing: true) { try insertNew(type: type, id: id, body: body, index: index) }
    }

    func createIfNoneExist(
        _ match: ConditionalMatch, id: String?, body: Data, index: SearchIndex
    ) throws -> ConditionalCreateOutcome {
        try perform(writing: true) {
            try lockConditionalCreates([match])
            let page = try searchPage(match.query, includeTotal: true)
            switch page.total ?? 0 {
            case 0: return .created(try insertNew(type: match.type, id: id, body: body, index: index))
            case 1: return .matched(page.resources[0])
            case let count: return .multipleMatches(count: count)
            }
        }
    }

    /// Makes searches and inserts atomic against every other conditional create, in this process
    /// or another (SQLite: the single writer already does).
    func lockConditionalCreates(_ matches: [ConditionalMatch]) throws {
        try perform(writing: true) {
            try connection.lockConditionalCreate(keys: Array(Set(matches.flatMap(\.lockKeys))).sorted())
        }
    }

    func lockParticipants(_ keys: [String]) throws {
        try perform(writing: true) {
            // The same advisory locks as conditional creates, in a key space of their own.
            try connection.lockConditionalCreate(keys: Set(keys).map { "participant " + $0 }.sorted())
        }
    }

    func update(
        type: String, id: String, body: Data, index: SearchIndex, ifMatch: Int?, createIfMissing: Bool
    ) throws -> UpdateOutcome {
        try perform(writing: true) {
            try require(!type.isEmpty && !id.isEmpty, "a resource needs a type and an id")
            let head = try currentHead(type: type, id: id)
            if let ifMatch, head?.version != ifMatch {
                throw StoreError.conflict(expected: ifMatch, current: head?.version)
            }
            let exists = head.map { !$0.deleted } ?? false
            if !exists && !createIfMissing { throw StoreError.notFound(what: "\(type) resource") }
            let resource = try insertVersion(
                type: type, id: id, version: (head?.version ?? 0) + 1, deleted: false, body: body, index: index,
                replacing: head?.seq)
            return UpdateOutcome(resource: resource, created: !exists)
        }
    }

    func delete(type: String, id: String, ifMatch: Int?) throws -> StoredResource? {
        try perform(writing: true) {
            let head = try currentHead(type: type, id: id)
            if let ifMatch, head?.version != ifMatch {
                throw StoreError.conflict(expected: ifMatch, current: head?.version)
            }
            guard let head, !head.deleted else { return nil }
            return try insertVersion(
                type: type, id: id, version: head.version + 1, deleted: true, body: Data(), index: .empty, replacing: head.seq)
        }
    }

    // MARK: Helpers (inside `perform`)

    private func insertNew(type: String, id: String?, body: Data, index: SearchIndex) throws -> StoredResource {
        let id = id ?? UUID().uuidString.lowercased()
        try require(!type.isEmpty && !id.isEmpty, "a resource needs a type and an id")
        if try currentHead(type: type, id: id) != nil { throw StoreError.duplicate(what: "resource id already in use") }
        return try connection.insertingNewResource {
            try insertVersion(type: type, id: id, version: 1, deleted: false, body: body, index: index, replacing: nil)
        }
    }

    /// Locks the head row where writers run concurrently (`headLockClause`), so concurrent
    /// updates of one resource queue up and each sees the version the previous one wrote.
    func currentHead(type: String, id: String) throws -> (version: Int, deleted: Bool, seq: Int64)? {
        try connection.fetchOne(
            "SELECT version, deleted, seq FROM resource_head WHERE type = ? AND id = ?\(Connection.headLockClause)",
            [.text(type), .text(id)],
            purpose: "read resource head") { (version: $0.int(0), deleted: $0.bool(1), seq: $0.int64(2)) }
    }

    /// `replacing` is the seq of the head version this one replaces, whose search rows go.
    private func insertVersion(
        type: String, id: String, version: Int, deleted: Bool, body: Data, index: SearchIndex, replacing: Int64?
    ) throws -> StoredResource {
        let hash = ContentHash.sha256Hex(body)
        let seq = try connection.insertReturningSeq(
            "INSERT INTO resource_version (type, id, version, last_updated, deleted, content_hash, body) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [.text(type), .text(id), .int(version), .timestamp(now), .bool(deleted), .text(hash), .blob(body)],
            purpose: "insert resource version", missing: "inserted resource version")
        try connection.write(
            "INSERT INTO resource_head (type, id, version, seq, last_updated, deleted) VALUES (?, ?, ?, ?, ?, ?) "
                + "ON CONFLICT (type, id) DO UPDATE SET version = excluded.version, seq = excluded.seq, "
                + "last_updated = excluded.last_updated, deleted = excluded.deleted",
            [.text(type), .text(id), .int(version), .integer(seq), .timestamp(now), .bool(deleted)],
            purpose: "update resource head")
        try replaceIndex(type: type, id: id, seq: seq, index: index, replacing: replacing)
        return StoredResource(
            type: type, id: id, versionId: version, lastUpdated: now, isDeleted: deleted, contentHash: hash, body: body)
    }
}
