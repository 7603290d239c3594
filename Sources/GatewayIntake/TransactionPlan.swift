import FHIRCore
import GatewayStore

/// A FHIR input turned into the writes it asks for, in the order FHIR prescribes for a
/// transaction (http.html §3.1.0.11.2: DELETE, then POST, then PUT/PATCH, then GET/HEAD), so
/// the result does not depend on entry order.
///
/// A transaction or batch Bundle says per entry what to do. Other inputs (a collection or
/// document Bundle, a single resource from a referral file) are stored as received: each
/// resource is created, or updated under its own id when it has one.
public struct TransactionPlan: Sendable {
    public enum Method: String, Sendable, Hashable { case delete = "DELETE", post = "POST", put = "PUT", get = "GET" }

    public struct Operation: Sendable {
        public let method: Method
        /// The Bundle entry index (`nil` for a single resource); issues name `Bundle.entry[i]`.
        public let entryIndex: Int?
        public let resourceType: String
        /// The id to write under: from the request URL for PUT/DELETE, assigned for POST.
        public let id: String
        /// The entry's `fullUrl` (its identity inside the Bundle), for reference rewriting.
        public let fullUrl: String?
        /// `ifNoneExist` of a conditional create, as a search query (`identifier=sys|val`).
        public let ifNoneExist: String?
        /// `ifMatch` as a version number, when given as `W/"n"`.
        public let ifMatch: Int?
        public var resource: FHIRElement?
        /// The resource's search rows, computed with the plan (`indexedAhead`), outside the
        /// store's unit of work: under the ids the plan assigned, which the executor corrects
        /// where a conditional create matched a resource already stored.
        public internal(set) var searchIndex: SearchIndex?
    }

    public var operations: [Operation]
    public let isBatch: Bool

    /// Plans the writes; `idSeed` makes assigned ids deterministic (the same file imported
    /// again assigns the same ids), and `makeID` turns a seed and an entry index into an id.
    public init(_ input: FHIRElement, makeID: (Int) -> String) throws(IntakeError) {
        let type = input.resourceType == "Bundle" ? input.child("type")?.value : nil
        isBatch = type == "batch"
        guard type == "transaction" || type == "batch" else {
            operations = Self.indexedAhead(Self.asReceived(input, makeID: makeID))
            return
        }
        var planned: [Operation] = []
        for (index, entry) in input.children("entry").enumerated() {
            guard let request = entry.child("request"), let methodText = request.child("method")?.value,
                  let method = Method(rawValue: methodText == "HEAD" ? "GET" : methodText == "PATCH" ? "PUT" : methodText),
                  let url = request.child("url")?.value
            else {
                throw IntakeError(entryIndex: index, "the entry's request needs a method and a url")
            }
            let resource = entry.child("resource")
            let (urlType, urlID) = Self.typeAndID(url)
            let resourceType = resource?.resourceType ?? urlType ?? ""
            // Deleting a consent would leave the gateway's copy of it in force with nothing to say
            // it ended: a participant's withdrawal is a revocation, which stops what is waiting.
            if method == .delete, resourceType == "Consent" {
                throw IntakeError(entryIndex: index, "a Consent is not deleted: revoke it (status inactive, with the "
                                  + "iop-revoked-at extension) so that messages waiting under it are stopped and the record is kept")
            }
            let id: String
            switch method {
            case .post:
                id = makeID(index)
            case .put, .delete, .get:
                guard let urlID else {
                    if method == .get { continue }  // searches in a transaction: nothing to write
                    throw IntakeError(entryIndex: index, "conditional \(method.rawValue) is not supported by this gateway; use a Type/id URL")
                }
                id = urlID
            }
            planned.append(Operation(
                method: method, entryIndex: index, resourceType: resourceType, id: id,
                fullUrl: entry.child("fullUrl")?.value, ifNoneExist: request.child("ifNoneExist")?.value,
                ifMatch: request.child("ifMatch")?.value.flatMap(VersionETag.version), resource: resource))
        }
        let order: [Method: Int] = [.delete: 0, .post: 1, .put: 2, .get: 3]
        operations = Self.indexedAhead(planned.enumerated()
            .sorted { (order[$0.element.method]!, $0.offset) < (order[$1.element.method]!, $1.offset) }
            .map(\.element)
            .filter { $0.method != .get })
    }

    /// Every reference to an entry's `fullUrl` as `Type/id` under the id the plan assigned:
    /// what the references become unless a conditional create matches (`retargeted`).
    static func plannedTargets(_ operations: [Operation]) -> [String: String] {
        var targets: [String: String] = [:]
        for operation in operations {
            if let fullUrl = operation.fullUrl { targets[fullUrl] = "\(operation.resourceType)/\(operation.id)" }
        }
        return targets
    }

    /// The writes with their search rows computed now, where the caller prepares inputs in
    /// parallel, so the store's serial unit of work only writes them (indexing there made the
    /// writer the bottleneck of an import). The rows are those of the resource as it will be
    /// stored, bar `meta.versionId` and `meta.lastUpdated`, which no indexed parameter reads.
    private static func indexedAhead(_ operations: [Operation]) -> [Operation] {
        let rewriter = ReferenceRewriter(targets: plannedTargets(operations))
        return operations.map { operation in
            guard operation.method == .post || operation.method == .put, let resource = operation.resource else { return operation }
            var indexed = operation
            let stamped = ResourceStamp.stamp(
                rewriter.rewrite(resource), id: operation.id, versionId: 1, lastUpdated: "1970-01-01T00:00:00Z")
            indexed.searchIndex = ResourceIndexing.index(stamped)
            return indexed
        }
    }

    private static func asReceived(_ input: FHIRElement, makeID: (Int) -> String) -> [Operation] {
        let resources: [(Int?, FHIRElement, String?)] = input.resourceType == "Bundle"
            ? input.children("entry").enumerated().compactMap { index, entry in
                entry.child("resource").map { (index, $0, entry.child("fullUrl")?.value) }
            }
            : [(nil, input, nil)]
        return resources.map { index, resource, fullUrl in
            let ownID = resource.child("id")?.value
            return Operation(
                method: ownID == nil ? .post : .put, entryIndex: index, resourceType: resource.resourceType ?? "",
                id: ownID ?? makeID(index ?? 0), fullUrl: fullUrl, ifNoneExist: nil, ifMatch: nil, resource: resource)
        }
    }

    /// `Patient/123`, `Patient/123/_history/2`, `Patient?identifier=…`, `Patient`.
    static func typeAndID(_ url: String) -> (type: String?, id: String?) {
        let path = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0]
        let segments = path.split(separator: "/").map(String.init)
        guard let first = segments.first else { return (nil, nil) }
        return (first, segments.count >= 2 ? segments[1] : nil)
    }
}

import Foundation
