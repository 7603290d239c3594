import FHIRCore
import GatewayStore
import HTTPServer

/// `GET [base]/[type]/[id]` (read), `…/_history/[vid]` (vread) and `…/_history` (history):
/// FHIR R4 http.html §3.1.0.2, §3.1.0.3, §3.1.0.12. A deleted resource is 410 Gone.
extension FHIRAPI {
    func read(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let found = try await store.readAsync { try $0.read(type: type, id: id) }
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
        let found = try await store.readAsync { try $0.vread(type: type, id: id, versionId: versionId) }
        guard let found else { throw APIError(404, .notFound, "no such version of this \(type)") }
        if found.isDeleted { throw Self.gone(found) }
        return call.stored(found, status: 200)
    }

    func history(type: String, id: String, call: APICall) async throws -> HTTPResponse {
        let limit = configuration.maxPageSize
        let versions = try await store.readAsync { try $0.history(type: type, id: id, limit: limit) }
        guard !versions.isEmpty else { throw APIError(404, .notFound, "no \(type) with this id") }
        var entries: [ResponseBundle.Model.Entry] = []
        for version in versions {
            let method = version.isDeleted ? "DELETE" : version.versionId == 1 ? "POST" : "PUT"
            let request = ResponseBundle.Model.Entry.Request(
                method: .init(method), url: .init(version.versionId == 1 && !version.isDeleted ? type : "\(type)/\(id)"))
            let status = version.isDeleted ? 204 : version.versionId == 1 ? 201 : 200
            entries.append(ResponseBundle.entry(
                fullUrl: "\(call.baseURL)/\(type)/\(id)",
                resource: version.isDeleted ? nil : APICall.element(of: version),
                request: request, response: ResponseBundle.response(status: status, stored: version)))
        }
        let bundle = ResponseBundle.bundle(
            type: "history", total: versions.count < limit ? versions.count : nil,
            links: [("self", "\(call.baseURL)/\(type)/\(id)/_history")], entries: entries)
        return call.resource(bundle, status: 200)
    }

    static func gone(_ tombstone: StoredResource) -> APIError {
        APIError(410, [Issue(.error, .deleted, "this \(tombstone.type) has been deleted")], headers: APICall.versionHeaders(tombstone))
    }
}
