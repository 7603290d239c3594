import FHIRCore
import GatewayStore
import HTTPServer

/// `PATCH [base]/[type]/[id]` with a JSON Patch document (http.html §3.1.0.6): applied to the
/// current version's JSON, then validated and written exactly like an update of that version
/// (a write in between is a 409, never a lost update). A patch that cannot apply is 422, one
/// whose result is not a valid resource is 422 with the validator's issues.
extension FHIRAPI {
    static let jsonPatchMediaType = "application/json-patch+json"

    func patch(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let contentType = call.request.headers["Content-Type"]?.split(separator: ";").first?
            .trimmingCharacters(in: .whitespaces).lowercased()
        guard contentType == Self.jsonPatchMediaType else {
            throw APIError(415, .notSupported, "PATCH takes a JSON Patch document (Content-Type: \(Self.jsonPatchMediaType))")
        }
        guard call.request.body.count <= configuration.maxRequestBytes else {
            throw APIError(413, .tooLong, "the patch is larger than this server accepts")
        }
        guard let current = try await store.readAsync({ try $0.read(type: type, id: id) }) else {
            throw APIError(404, .notFound, "no \(type) with this id")
        }
        if current.isDeleted { throw Self.gone(current) }
        let ifMatch = try Self.ifMatchVersion(call.request.headers["If-Match"])
        if let ifMatch, ifMatch != current.versionId {
            throw APIError(412, .conflict, "the resource's current version is not the one If-Match names")
        }
        let patched: [UInt8]
        do {
            patched = try JSONPatch.apply(call.request.body, to: Array(current.body))
        } catch {
            throw APIError(422, .processing, "the patch cannot be applied: \(error.message)",
                           expression: error.operation.map { "operation \($0)" })
        }
        let outcome = intake.validator.validate(patched)
        guard let resource = outcome.resource, !outcome.hasErrors else {
            var issues = outcome.issues
            issues.insert(Issue(.error, .processing, "the patched resource is not valid"), at: 0)
            throw APIError(422, issues)
        }
        guard resource.child("id")?.value == id else {
            throw APIError(422, .processing, "a patch may not change the resource's id", expression: "\(type).id")
        }
        return try await update(resource, type: type, id: id, issues: outcome.issues, ifMatch: current.versionId, call: call)
    }
}
