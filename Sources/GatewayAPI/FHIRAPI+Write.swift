import FHIRCore
import Foundation
import GatewayIntake
import GatewayStore
import HTTPServer
import IOPMapping

/// `POST [base]/[type]` (create, conditional with `If-None-Exist`), `PUT [base]/[type]/[id]`
/// (update, versioned with `If-Match`) and `PUT [base]/[type]?…` (conditional update): FHIR R4
/// http.html §3.1.0.4, §3.1.0.8 and §3.1.0.10. Each is a one-entry transaction, so it takes the
/// path a Bundle entry takes (validation, mapping, conditional match, stamping, indexing,
/// domain rows) and is refused before any 2xx when the IOP cannot accept it.
extension FHIRAPI {
    func create(type: String, call: APICall) async throws -> HTTPResponse {
        let (resource, issues) = try readBody(call)
        var condition = call.request.headers["If-None-Exist"]?.trimmingCharacters(in: .whitespaces)
        if let text = condition, text.hasPrefix(type + "?") { condition = String(text.dropFirst(type.count + 1)) }
        if condition?.isEmpty == true {
            throw APIError(400, .invalid, "If-None-Exist is empty")
        }
        return try await create(resource, type: type, issues: issues, condition: condition, call: call)
    }

    func create(_ body: FHIRElement, type: String, issues: [Issue], condition: String?, call: APICall) async throws -> HTTPResponse {
        var resource = body
        guard resource.resourceType == type else {
            throw APIError(400, .invalid, "the body is not a resource of the type the URL names", expression: resource.resourceType)
        }
        // http.html §3.1.0.4: the server assigns the id and ignores one the client sent.
        resource.children.removeAll { $0.name == "id" }
        let bundle = Self.singleEntryBundle(
            resource, method: "POST", url: type, fullUrl: "urn:uuid:\(UUID().uuidString.lowercased())",
            ifNoneExist: condition, ifMatch: nil)
        let (result, mapping) = try await commitSingle(bundle, type: type)
        guard let stored = result.resource else { throw APIError(500, .exception, "the write reported no result") }
        let warnings = Self.relocate(issues.filter { !$0.isError } + Self.warnings(of: mapping), entry: 0, to: .resource(type))
        return call.written(stored, outcome: result.status == .created ? .created : .matched, warnings: warnings)
    }

    func update(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let (resource, issues) = try readBody(call)
        guard resource.child("id")?.value == id else {
            throw APIError(400, .invalid, "the resource's id must be the id in the URL", expression: "\(type).id")
        }
        let ifMatch = try Self.ifMatchVersion(call.request.headers["If-Match"])
        return try await update(resource, type: type, id: id, issues: issues, ifMatch: ifMatch, call: call)
    }

    func update(
        _ resource: FHIRElement, type: String, id: String, issues: [Issue], ifMatch: Int?, call: APICall
    ) async throws -> HTTPResponse {
        guard resource.resourceType == type else {
            throw APIError(400, .invalid, "the body is not a resource of the type the URL names", expression: resource.resourceType)
        }
        let bundle = Self.singleEntryBundle(
            resource, method: "PUT", url: "\(type)/\(id)", fullUrl: "\(IOPCanonical.base)/\(type)/\(id)",
            ifNoneExist: nil, ifMatch: ifMatch)
        let (result, mapping) = try await commitSingle(bundle, type: type) { transaction in
            // CapabilityStatement updateCreate = false: http.html §3.1.0.4.2 answers 405
            // when the resource did not exist and the server does not let clients choose ids.
            guard let current = try transaction.read(type: type, id: id), !current.isDeleted else {
                throw APIError(405, .notSupported, "no such resource; this server assigns ids: create it with POST")
            }
        }
        guard let stored = result.resource else { throw APIError(500, .exception, "the write reported no result") }
        let warnings = Self.relocate(issues.filter { !$0.isError } + Self.warnings(of: mapping), entry: 0, to: .resource(type))
        return call.written(stored, outcome: .updated, warnings: warnings)
    }

    /// `PUT [base]/[type]?search` (http.html §3.1.0.10.2): no match creates the resource (race-free
    /// for an `identifier` search, through the conditional-create lock), one match updates it,
    /// several are 412.
    func conditionalUpdate(type: String, call: APICall) async throws -> HTTPResponse {
        let (resource, issues) = try readBody(call)
        let match = try await singleMatch(type: type, call: call, interaction: "conditional update")
        guard let match else {
            if resource.child("id") != nil {
                throw APIError(405, .notSupported, "nothing matches and this server assigns ids: send the resource without an id")
            }
            let condition = ConditionalQuery.isSupported(call.request.query ?? "") ? call.request.query : nil
            return try await create(resource, type: type, issues: issues, condition: condition, call: call)
        }
        if let id = resource.child("id")?.value, id != match.id {
            throw APIError(400, .invalid, "the resource's id is not the id of the resource the search matches", expression: "\(type).id")
        }
        var body = resource
        if body.child("id") == nil {
            body.children.insert(FHIRElement(name: "id", value: match.id, form: .primitive), at: 0)
        }
        // If-Match on the version found: a write in between is a 409, not a lost update.
        let ifMatch = try Self.ifMatchVersion(call.request.headers["If-Match"]) ?? match.versionId
        return try await update(body, type: type, id: match.id, issues: issues, ifMatch: ifMatch, call: call)
    }

    /// The one current resource a conditional interaction's search matches (nil for none);
    /// 412 for several (http.html §3.1.0.10).
    func singleMatch(type: String, call: APICall, interaction: String) async throws -> StoredResource? {
        var parsed = try parseSearch(type: type, parameters: call.parameters, call: call)
        guard !parsed.query.criteria.isEmpty else {
            throw APIError(400, .invalid, "a \(interaction) needs search parameters that select the resource")
        }
        parsed.query.count = 2
        parsed.query.cursor = nil
        try await requireCompleteIndex(for: parsed.query)
        let query = parsed.query
        let boundary = DataBoundary.current
        let found = try await store.readAsync { reader in
            // A bounded client's condition sees only what it may see (a match outside is no match).
            var bounded = query
            if let criterion = try boundary.resolved(in: reader).criterion(for: type, .search) { bounded.criteria.append(criterion) }
            return try reader.search(bounded).resources
        }
        if found.count > 1 {
            throw APIError(412, .multipleMatches, "the \(interaction) matches more than one resource")
        }
        return found.first
    }

    /// Plans, maps and commits a one-entry transaction; `check` runs first in the same unit of work.
    func commitSingle(
        _ bundle: FHIRElement, type: String,
        check: @escaping @Sendable (any StoreTransaction) throws -> Void = { _ in }
    ) async throws -> (TransactionExecutor.EntryResult, MappingOutcome) {
        do {
            let plan = try Self.plan(bundle)
            let mapping = try map(bundle)
            let results = try await commit(plan, mapping, check: check)
            guard let result = results.first else { throw APIError(500, .exception, "the write reported no result") }
            return (result, mapping)
        } catch {
            throw Self.relocate(error, entry: 0, to: .resource(type))
        }
    }

    /// `If-Match: W/"3"` (or `"3"`) → 3; nil when absent; 400 when it is not a version.
    static func ifMatchVersion(_ header: String?) throws(APIError) -> Int? {
        guard let header = header?.trimmingCharacters(in: .whitespaces), !header.isEmpty else { return nil }
        guard let version = VersionETag.version(header), version > 0 else {
            throw APIError(400, .invalid, "If-Match must be a version ETag such as W/\"1\"")
        }
        return version
    }
}
