import FHIRCore
import GatewayIntake
import GatewayStore
import HTTPServer

/// `DELETE [base]/[type]/[id]` and `DELETE [base]/[type]?search` (http.html §3.1.0.7): the
/// deletion is a new version (a tombstone) through the same one-entry transaction as every
/// other write, so the IOP decides what may be deleted (a Consent is revoked, never deleted);
/// a read then answers 410 and the history keeps every version.
extension FHIRAPI {
    func delete(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let ifMatch = try Self.ifMatchVersion(call.request.headers["If-Match"])
        let bundle = Self.deleteBundle(type: type, id: id, ifMatch: ifMatch)
        let (result, _) = try await commitSingle(bundle, type: type)
        guard let tombstone = result.resource else {
            // Nothing to delete (never existed, or deleted already): still a success (§3.1.0.7).
            return call.resource(
                [Issue(.information, .notFound, "there was no current \(type) with this id to delete")].operationOutcome(),
                status: 200)
        }
        return call.resource(
            [Issue(.information, .informational, "the \(type) was deleted (version \(tombstone.versionId))")].operationOutcome(),
            status: 200, headers: APICall.versionHeaders(tombstone))
    }

    /// One match is deleted; several are 412 (this server's `conditionalDelete` is `single`).
    func conditionalDelete(type: String, call: APICall) async throws -> HTTPResponse {
        guard let match = try await singleMatch(type: type, call: call, interaction: "conditional delete") else {
            return call.resource([Issue(.information, .notFound, "no \(type) matches; nothing was deleted")].operationOutcome(), status: 200)
        }
        let bundle = Self.deleteBundle(type: type, id: match.id, ifMatch: match.versionId)
        let (result, _) = try await commitSingle(bundle, type: type)
        let headers = result.resource.map(APICall.versionHeaders) ?? [:]
        return call.resource(
            [Issue(.information, .informational, "the matching \(type) was deleted")].operationOutcome(), status: 200, headers: headers)
    }

    static func deleteBundle(type: String, id: String, ifMatch: Int?) -> FHIRElement {
        func primitive(_ name: String, _ value: String) -> FHIRElement {
            FHIRElement(name: name, value: value, form: .primitive)
        }
        var request = [primitive("method", "DELETE"), primitive("url", "\(type)/\(id)")]
        if let ifMatch { request.append(primitive("ifMatch", "W/\"\(ifMatch)\"")) }
        return .resource("Bundle", children: [
            primitive("type", "transaction"),
            FHIRElement(name: "entry", children: [FHIRElement(name: "request", children: request)], form: .list),
        ])
    }
}
