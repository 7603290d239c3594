import FHIRCore
import Foundation
import GatewayIntake
import GatewayStore
import HTTPServer
import IOPMapping

/// `POST [base]/[type]` (create, conditional with `If-None-Exist`) and `PUT [base]/[type]/[id]`
/// (update, versioned with `If-Match`): FHIR R4 http.html §3.1.0.4 and §3.1.0.8.
extension FHIRAPI {
    func create(type: String, call: APICall) async throws -> HTTPResponse {
        var (resource, issues) = try readBody(call)
        guard resource.resourceType == type else {
            throw APIError(400, .invalid, "the body is not a resource of the type the URL names", expression: resource.resourceType)
        }
        // http.html §3.1.0.4: the server assigns the id and ignores one the client sent.
        resource.children.removeAll { $0.name == "id" }
        var condition = call.request.headers["If-None-Exist"]?.trimmingCharacters(in: .whitespaces)
        if let text = condition, text.hasPrefix(type + "?") { condition = String(text.dropFirst(type.count + 1)) }
        if condition?.isEmpty == true {
            throw APIError(400, .invalid, "If-None-Exist is empty")
        }
        let bundle = Self.singleEntryBundle(
            resource, method: "POST", url: type, fullUrl: "urn:uuid:\(UUID().uuidString.lowercased())",
            ifNoneExist: condition, ifMatch: nil)
        let results: [TransactionExecutor.EntryResult]
        let mapping: MappingOutcome
        do {
            let plan = try Self.plan(bundle)
            mapping = try map(bundle)
            results = try await commit(plan, mapping)
        } catch {
            throw Self.relocate(error, entry: 0, to: .resource(type))
        }
        guard let result = results.first, let stored = result.resource else {
            throw APIError(500, .exception, "the write reported no result")
        }
        let warnings = Self.relocate(issues.filter { !$0.isError } + Self.warnings(of: mapping), entry: 0, to: .resource(type))
        return call.written(stored, outcome: result.status == .created ? .created : .matched, warnings: warnings)
    }

    func update(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let (resource, issues) = try readBody(call)
        guard resource.resourceType == type else {
            throw APIError(400, .invalid, "the body is not a resource of the type the URL names", expression: resource.resourceType)
        }
        guard resource.child("id")?.value == id else {
            throw APIError(400, .invalid, "the resource's id must be the id in the URL", expression: "\(type).id")
        }
        let ifMatch = try Self.ifMatchVersion(call.request.headers["If-Match"])
        let bundle = Self.singleEntryBundle(
            resource, method: "PUT", url: "\(type)/\(id)", fullUrl: "\(IOPCanonical.base)/\(type)/\(id)",
            ifNoneExist: nil, ifMatch: ifMatch)
        let results: [TransactionExecutor.EntryResult]
        let mapping: MappingOutcome
        do {
            let plan = try Self.plan(bundle)
            mapping = try map(bundle)
            results = try await commit(plan, mapping) { transaction in
                // CapabilityStatement updateCreate = false: http.html §3.1.0.4.2 answers 405
                // when the resource did not exist and the server does not let clients choose ids.
                guard let current = try transaction.read(type: type, id: id), !current.isDeleted else {
                    throw APIError(405, .notSupported, "no such resource; this server assigns ids: create it with POST")
                }
            }
        } catch {
            throw Self.relocate(error, entry: 0, to: .resource(type))
        }
        guard let stored = results.first?.resource else { throw APIError(500, .exception, "the write reported no result") }
        let warnings = Self.relocate(issues.filter { !$0.isError } + Self.warnings(of: mapping), entry: 0, to: .resource(type))
        return call.written(stored, outcome: .updated, warnings: warnings)
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
