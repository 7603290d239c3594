import GatewayIntake
import GatewayStore

/// Writes by a bounded client, checked inside the write's unit of work so that nothing outside
/// the boundary is changed and nothing written lands outside it:
///
/// - before: an update or delete of a resource that exists but lies outside is refused as if
///   the resource did not exist (404);
/// - after: every resource created or updated must lie inside (a Patient whose practice is the
///   client's, an Observation of such a patient); otherwise the whole unit of work rolls back
///   with 403. A conditional create that matched a resource outside is refused the same way.
extension DataBoundary {
    func checkBefore(_ plan: TransactionPlan, in transaction: any StoreTransaction) throws {
        guard isBounded else { return }
        let boundary = try resolved(in: transaction)
        for operation in plan.operations where operation.method == .put || operation.method == .delete {
            guard let current = try transaction.read(type: operation.resourceType, id: operation.id), !current.isDeleted else { continue }
            let interaction: ResourceInteraction = operation.method == .delete ? .delete : .update
            guard try boundary.permits(type: operation.resourceType, id: operation.id, interaction, in: transaction) else {
                throw APIError(
                    404, .notFound, "no \(operation.resourceType) with this id", expression: operation.entryIndex.map { "Bundle.entry[\($0)]" })
            }
        }
    }

    func checkAfter(_ results: [TransactionExecutor.EntryResult], in transaction: any StoreTransaction) throws {
        guard isBounded else { return }
        // Looked up again: the unit of work may have written one of the organization's roles.
        let boundary = try resolved(in: transaction)
        for result in results {
            guard let resource = result.resource else { continue }
            let interaction: ResourceInteraction
            switch result.status {
            case .created: interaction = .create
            case .updated: interaction = .update
            case .unchanged: interaction = .read
            case .deleted: continue
            }
            guard try boundary.permits(type: resource.type, id: resource.id, interaction, in: transaction) else {
                let at = result.entryIndex.map { "Bundle.entry[\($0)]" }
                throw APIError(
                    403, .forbidden,
                    "the \(resource.type) would lie outside what this client may write: its patient is not one of "
                        + "this client's organizations' patients, or it does not match the client's scope restriction",
                    expression: at)
            }
        }
    }
}
