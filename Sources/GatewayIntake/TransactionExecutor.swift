import FHIRCore
import FHIRJSON
import Foundation
import GatewayStore

/// Carries out a `TransactionPlan` inside one store unit of work: conditional creates resolved
/// first, so references can be rewritten to what they will point at; then every write, with
/// `id` and `meta` stamped into the body. A thrown error rolls the whole unit back
/// (FHIR-RULES.md, transactions rules 1, 3, 4, 8).
public enum TransactionExecutor {
    /// What happened to one entry, as a `transaction-response` reports it.
    public struct EntryResult: Sendable {
        public enum Status: Sendable, Hashable { case created, updated, unchanged, deleted }
        public let entryIndex: Int?
        public let status: Status
        public let resource: StoredResource?
    }

    public static func execute(_ plan: TransactionPlan, in transaction: any StoreTransaction) throws -> [EntryResult] {
        try checkIdentityOverlap(plan)
        // 1. Conditional creates: a match means no write, and references go to the match.
        var matched: [Int: StoredResource] = [:]
        // The same condition twice in one Bundle is one resource (FHIR-RULES.md, rule 8): later
        // entries stand for the first one's result.
        var sameAs: [Int: Int] = [:]
        var firstWithCondition: [String: Int] = [:]
        var conditions: [(position: Int, operation: TransactionPlan.Operation, match: ConditionalMatch)] = []
        for (position, operation) in plan.operations.enumerated() where operation.method == .post {
            guard let condition = operation.ifNoneExist else { continue }
            if let first = firstWithCondition[operation.resourceType + "?" + condition] {
                sameAs[position] = first
                continue
            }
            firstWithCondition[operation.resourceType + "?" + condition] = position
            let match = try ConditionalQuery.match(type: operation.resourceType, query: condition, entryIndex: operation.entryIndex)
            conditions.append((position, operation, match))
        }
        // Until commit, no other unit of work (in this process or another on the same database)
        // can create what these searches look for.
        if !conditions.isEmpty { try transaction.lockConditionalCreates(conditions.map(\.match)) }
        for (position, operation, match) in conditions {
            let found = try transaction.search(match.query).resources
            switch found.count {
            case 0: break
            case 1: matched[position] = found[0]
            default:
                throw IntakeError(entryIndex: operation.entryIndex, code: .multipleMatches,
                                  "the conditional create matches more than one resource")
            }
        }
        // 2. Every fullUrl → the Type/id it now stands for.
        var targets: [String: String] = [:]
        for (position, operation) in plan.operations.enumerated() {
            guard let fullUrl = operation.fullUrl else { continue }
            let standIn = sameAs[position] ?? position
            let id = matched[standIn]?.id ?? plan.operations[standIn].id
            targets[fullUrl] = "\(operation.resourceType)/\(id)"
        }
        let rewriter = ReferenceRewriter(targets: targets)
        let retargeted = SearchIndexRetargeting(planned: TransactionPlan.plannedTargets(plan.operations), actual: targets)
        let lastUpdated = transaction.now.fhirInstant

        // 3. The writes, in the plan's order.
        var results: [EntryResult] = []
        var written: [Int: StoredResource] = [:]
        for (position, operation) in plan.operations.enumerated() {
            if let first = sameAs[position] {
                results.append(EntryResult(entryIndex: operation.entryIndex, status: .unchanged, resource: matched[first] ?? written[first]))
                continue
            }
            do {
                let result = try write(
                    operation, matched: matched[position], rewriter: rewriter, retargeted: retargeted,
                    lastUpdated: lastUpdated, in: transaction)
                written[position] = result.resource
                results.append(result)
            } catch let error as StoreError {
                throw IntakeError(entryIndex: operation.entryIndex, code: Self.code(for: error), Self.message(for: error))
            }
        }
        return results
    }

    private static func write(
        _ operation: TransactionPlan.Operation, matched: StoredResource?, rewriter: ReferenceRewriter,
        retargeted: SearchIndexRetargeting, lastUpdated: String, in transaction: any StoreTransaction
    ) throws -> EntryResult {
        if let matched { return EntryResult(entryIndex: operation.entryIndex, status: .unchanged, resource: matched) }
        switch operation.method {
        case .delete:
            let deleted = try transaction.delete(type: operation.resourceType, id: operation.id, ifMatch: operation.ifMatch)
            return EntryResult(entryIndex: operation.entryIndex, status: .deleted, resource: deleted)
        case .post:
            guard let resource = operation.resource else {
                throw IntakeError(entryIndex: operation.entryIndex, code: .required, "a POST entry needs a resource")
            }
            let (body, index) = prepare(
                operation, resource, version: 1, lastUpdated: lastUpdated, rewriter: rewriter, retargeted: retargeted)
            let created = try transaction.create(type: operation.resourceType, id: operation.id, body: body, index: index)
            return EntryResult(entryIndex: operation.entryIndex, status: .created, resource: created)
        case .put:
            guard let resource = operation.resource else {
                throw IntakeError(entryIndex: operation.entryIndex, code: .required, "a PUT entry needs a resource")
            }
            let current = try transaction.read(type: operation.resourceType, id: operation.id)
            let version = (current?.versionId ?? 0) + 1
            let (body, index) = prepare(
                operation, resource, version: version, lastUpdated: lastUpdated, rewriter: rewriter, retargeted: retargeted)
            let outcome = try transaction.update(
                type: operation.resourceType, id: operation.id, body: body, index: index,
                ifMatch: operation.ifMatch, createIfMissing: true)
            return EntryResult(entryIndex: operation.entryIndex, status: outcome.created ? .created : .updated,
                               resource: outcome.resource)
        case .get:
            return EntryResult(entryIndex: operation.entryIndex, status: .unchanged, resource: nil)
        }
    }

    private static func prepare(
        _ operation: TransactionPlan.Operation, _ resource: FHIRElement, version: Int, lastUpdated: String,
        rewriter: ReferenceRewriter, retargeted: SearchIndexRetargeting
    ) -> (Data, SearchIndex) {
        let stamped = ResourceStamp.stamp(rewriter.rewrite(resource), id: operation.id, versionId: version, lastUpdated: lastUpdated)
        let index = operation.searchIndex.map(retargeted.apply) ?? ResourceIndexing.index(stamped)
        return (Data(FHIRJSONWriter().write(stamped)), index)
    }

    /// The same resource written twice in one transaction is an error (http.html §3.1.0.11.2).
    private static func checkIdentityOverlap(_ plan: TransactionPlan) throws {
        var seen: Set<String> = []
        for operation in plan.operations where operation.method != .get {
            let identity = "\(operation.resourceType)/\(operation.id)"
            if !seen.insert(identity).inserted {
                throw IntakeError(entryIndex: operation.entryIndex, code: .duplicate,
                                  "another entry of this transaction writes the same resource")
            }
        }
    }

    private static func code(for error: StoreError) -> IssueType {
        switch error {
        case .conflict: .conflict
        case .duplicate: .duplicate
        case .notFound: .notFound
        case .busy: .transient
        default: .exception
        }
    }

    /// The store's own words carry no bound values; still, only the kind of failure is passed on.
    private static func message(for error: StoreError) -> String {
        switch error {
        case .conflict: "the resource's current version is not the one If-Match names"
        case .duplicate: "a resource with this id already exists"
        case .notFound: "the resource does not exist"
        case .busy: "the store is busy; retry"
        default: "the store could not complete the write"
        }
    }
}
