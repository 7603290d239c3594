import FHIRCore
import FHIRSearch
import GatewayStore
import HTTPServer

/// `GET [base]/[type]/[id]` (read), `…/_history/[vid]` (vread) and `…/_history` (history):
/// FHIR R4 http.html §3.1.0.2, §3.1.0.3, §3.1.0.12. A deleted resource is 410 Gone.
extension FHIRAPI {
    func read(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let boundary = DataBoundary.current
        let found = try await store.readAsync { reader -> StoredResource? in
            guard try !boundary.isBounded || boundary.permits(type: type, id: id, .read, in: reader) else { return nil }
            return try reader.read(type: type, id: id)
        }
        guard let found else { throw APIError(404, .notFound, "no \(type) with this id") }
        if found.isDeleted { throw Self.gone(found) }
        // A client that holds this version gets 304 (RFC 9110 §13.1.2).
        if let tags = call.request.headers["If-None-Match"],
           tags.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == "W/\"\(found.versionId)\"" }) {
            return HTTPResponse(status: 304, headers: APICall.versionHeaders(found), body: [])
        }
        return call.stored(found, status: 200)
    }

    func vread(type: String, id: String, versionId: Int, call: APICall) async throws -> HTTPResponse {
        let boundary = DataBoundary.current
        let found = try await store.readAsync { reader -> StoredResource? in
            guard try !boundary.isBounded || boundary.permits(type: type, id: id, .read, in: reader) else { return nil }
            return try reader.vread(type: type, id: id, versionId: versionId)
        }
        guard let found else { throw APIError(404, .notFound, "no such version of this \(type)") }
        if found.isDeleted { throw Self.gone(found) }
        return call.stored(found, status: 200)
    }

    func history(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let limit = configuration.maxPageSize
        let boundary = DataBoundary.current
        let versions = try await store.readAsync { reader -> [StoredResource] in
            guard try !boundary.isBounded || boundary.permits(type: type, id: id, .read, in: reader) else { return [] }
            return try reader.history(type: type, id: id, limit: limit)
        }
        guard !versions.isEmpty else { throw APIError(404, .notFound, "no \(type) with this id") }
        let bundle = ResponseBundle.bundle(
            type: "history", total: versions.count < limit ? versions.count : nil,
            links: [("self", "\(call.baseURL)/\(type)/\(id)/_history")], entries: versions.map { Self.historyEntry($0, call: call) })
        return call.resource(bundle, status: 200)
    }

    /// `GET [base]/[type]/_history` and `GET [base]/_history` (http.html §3.1.0.12), newest
    /// first, paged by the write sequence, with `_since` and `_at`; system history shows only
    /// the types the client may read.
    func typeHistory(type: String?, call: APICall) async throws -> HTTPResponse {
        var count = configuration.defaultPageSize
        var since: StoreTimestamp?
        var before: StoreTimestamp?
        var cursor: SearchCursor?
        var applied: [(name: String, value: String)] = []
        for (name, value) in call.parameters.items {
            switch name {
            case "_count":
                guard let number = Int(value), number >= 1 else { throw APIError(400, .value, "_count must be a whole number above 0") }
                count = min(number, configuration.maxPageSize)
            case "_since", "_at":
                guard let instant = SearchDateInterval(lexeme: value) else {
                    throw APIError(400, .value, "\(name) must be a FHIR instant")
                }
                if name == "_since" { since = instant.low } else { before = StoreTimestamp(microsecondsSinceEpoch: instant.high.microsecondsSinceEpoch + 1) }
            case "_cursor":
                cursor = SearchCursor(token: value)
                continue
            case "_format", "_pretty":
                continue
            default:
                if !call.prefer.lenientHandling { throw APIError(400, .notSupported, "history does not take the parameter \(name)") }
                continue
            }
            applied.append((name, value))
        }
        let access = DataBoundary.current
        let (limit, from, until, position) = (count, since, before, cursor)
        let page: HistoryPage
        do {
            page = try await store.readAsync { reader in
                var page = try reader.historyPage(type: type, since: from, before: until, cursor: position, limit: limit)
                // Versions of resources outside the client's boundary are left out (a page may be short).
                if access.isBounded {
                    var visibleIDs: [String: Set<String>] = [:]
                    for (versionType, group) in Dictionary(grouping: page.versions, by: \.type) where access.mayRead(versionType) {
                        visibleIDs[versionType] = try access.visible(type: versionType, ids: Array(Set(group.map(\.id))), .read, in: reader)
                    }
                    page.versions = page.versions.filter { visibleIDs[$0.type]?.contains($0.id) == true }
                }
                return page
            }
        } catch StoreError.misuse(_) {
            throw APIError(400, .value, "_cursor is not a paging cursor of this history")
        }
        let path = type.map { "\(call.baseURL)/\($0)/_history" } ?? "\(call.baseURL)/_history"
        var links = [("self", path + (applied.isEmpty ? "" : "?" + QueryParameters.encode(applied)))]
        if let next = page.next { links.append(("next", path + "?" + QueryParameters.encode(applied + [("_cursor", next.token)]))) }
        let entries = page.versions.filter { access.mayRead($0.type) }.map { Self.historyEntry($0, call: call) }
        return call.resource(ResponseBundle.bundle(type: "history", links: links, entries: entries), status: 200)
    }

    static func historyEntry(_ version: StoredResource, call: APICall) -> ResponseBundle.Model.Entry {
        let method = version.isDeleted ? "DELETE" : version.versionId == 1 ? "POST" : "PUT"
        let request = ResponseBundle.Model.Entry.Request(
            method: .init(method),
            url: .init(version.versionId == 1 && !version.isDeleted ? version.type : "\(version.type)/\(version.id)"))
        let status = version.isDeleted ? 204 : version.versionId == 1 ? 201 : 200
        return ResponseBundle.entry(
            fullUrl: "\(call.baseURL)/\(version.type)/\(version.id)",
            resource: version.isDeleted ? nil : APICall.element(of: version),
            request: request, response: ResponseBundle.response(status: status, stored: version))
    }

    static func gone(_ tombstone: StoredResource) -> APIError {
        APIError(410, [Issue(.error, .deleted, "this \(tombstone.type) has been deleted")], headers: APICall.versionHeaders(tombstone))
    }
}
