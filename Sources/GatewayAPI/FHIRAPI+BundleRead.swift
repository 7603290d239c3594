import FHIRCore
import GatewayStore
import HTTPServer

/// The GET entries of a transaction or batch: read (`Type/id`), vread (`Type/id/_history/n`) and
/// search (`Type?…`), answered from the reader they are given (inside a transaction, its own
/// unit of work) with the status and, on failure, the OperationOutcome in the entry's response.
extension FHIRAPI {
    /// `boundary` is the client's, taken before the store's closure runs: that runs on a thread
    /// of its own, where the request's task-local observation is not seen.
    func readEntry(url: String, reader: any StoreReader, boundary: DataBoundary, call: APICall) throws -> ResponseBundle.Model.Entry {
        var relative = Substring(url)
        if relative.hasPrefix(call.baseURL + "/") { relative = relative.dropFirst(call.baseURL.count + 1) }
        let parts = relative.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let segments = parts[0].split(separator: "/").map { String($0).removingPercentEncoding ?? String($0) }
        do {
            switch segments.count {
            case 1:
                let type = try known(segments[0])
                var parsed = try parseSearch(
                    type: type, parameters: QueryParameters(parts.count > 1 ? String(parts[1]) : nil), call: call)
                if IndexReadiness.needsFullIndex(parsed.query), try reader.reindexProgress() != nil {
                    throw APIError(503, .transient, "the search index is being rebuilt after an upgrade; retry this search later")
                }
                let bounded = try boundary.resolved(in: reader)
                if let criterion = bounded.criterion(for: type, .search) { parsed.query.criteria.append(criterion) }
                let page = try Self.search(parsed.query, in: reader)
                let included = try IncludeResolver(store: reader, access: bounded, limit: configuration.maxPageSize)
                    .resolve(parsed, matches: page.resources)
                return ResponseBundle.entry(
                    resource: searchBundle(type: type, parsed: parsed, page: page, included: included, call: call),
                    response: ResponseBundle.response(status: 200, stored: nil))
            case 2, 4:
                let type = try known(segments[0])
                let id = try valid(segments[1])
                let found: StoredResource?
                if boundary.isBounded, try !boundary.permits(type: type, id: id, .read, in: reader) {
                    found = nil
                } else if segments.count == 4 {
                    guard segments[2] == "_history", let version = Int(segments[3]) else {
                        throw APIError(400, .invalid, "not a read, vread or search URL", expression: nil)
                    }
                    found = try reader.vread(type: type, id: id, versionId: version)
                } else {
                    found = try reader.read(type: type, id: id)
                }
                guard let found else { throw APIError(404, .notFound, "no such \(type)") }
                if found.isDeleted { throw Self.gone(found) }
                return ResponseBundle.entry(
                    fullUrl: "\(call.baseURL)/\(type)/\(id)", resource: APICall.element(of: found),
                    response: ResponseBundle.response(status: 200, stored: found))
            default:
                throw APIError(400, .invalid, "not a read, vread or search URL")
            }
        } catch let error as APIError {
            return ResponseBundle.entry(response: ResponseBundle.response(
                status: error.status, stored: nil, outcome: error.issues.operationOutcome()))
        }
    }
}
