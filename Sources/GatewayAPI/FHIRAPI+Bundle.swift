import FHIRCore
import GatewayIntake
import GatewayStore
import HTTPServer
import IOPMapping

/// `POST [base]` with a transaction or batch Bundle (FHIR R4 http.html §3.1.0.11).
///
/// A transaction is all or nothing: validated whole, planned in FHIR's processing order,
/// mapped, then written with its domain rows in ONE unit of work; any refusal answers 4xx with
/// an OperationOutcome naming `Bundle.entry[i]` and nothing is stored. A batch answers 200 and
/// gives each entry its own unit of work and its own status.
extension FHIRAPI {
    func bundle(_ call: APICall) async throws -> HTTPResponse {
        _ = try call.bodyFormat(limit: configuration.maxRequestBytes)
        let validated = intake.validator.validate(call.request.body)
        guard let bundle = validated.resource else { throw APIError.badRequest(validated.issues) }
        let type = bundle.resourceType == "Bundle" ? bundle.child("type")?.value : nil
        guard type == "transaction" || type == "batch" else {
            throw APIError(400, .invalid, "POST to the base takes a transaction or batch Bundle",
                           expression: bundle.resourceType == "Bundle" ? "Bundle.type" : bundle.resourceType)
        }
        guard bundle.children("entry").count <= configuration.maxBundleEntries else {
            throw APIError(413, .tooCostly, "the Bundle has more than \(configuration.maxBundleEntries) entries")
        }
        if type == "batch" { return try await batch(bundle, issues: validated.issues, call: call) }
        guard !validated.hasErrors else { throw APIError.badRequest(validated.issues) }
        return try await transaction(bundle, issues: validated.issues, call: call)
    }

    // MARK: Transaction

    private func transaction(_ bundle: FHIRElement, issues: [Issue], call: APICall) async throws -> HTTPResponse {
        let plan = try Self.plan(bundle)
        let mapping = try map(bundle)
        let entries = bundle.children("entry")
        let reads = entries.enumerated().compactMap { index, entry -> (Int, String)? in
            guard let method = entry.child("request")?.child("method")?.value, method == "GET" || method == "HEAD",
                  let url = entry.child("request")?.child("url")?.value
            else { return nil }
            return (index, url)
        }
        let audit = AuditMiddleware.eventForUnitOfWork(status: 200)
        let policy = intake.identityPolicy
        let boundary = DataBoundary.current
        let (results, readEntries) = try await store.writeAsync { transaction in
            try boundary.checkBefore(plan, in: transaction)
            let results = try TransactionExecutor.execute(plan, in: transaction)
            try boundary.checkAfter(results, in: transaction)
            try DomainCommit.write(mapping.records, policy: policy, in: transaction)
            // GET entries run last (http.html §3.1.0.11.2), in the same snapshot as the writes.
            let readEntries = try reads.map { index, url in
                (index, try self.readEntry(url: url, reader: transaction, boundary: boundary, call: call))
            }
            if let audit { try transaction.appendAudit(audit) }
            return (results, readEntries)
        }
        AuditMiddleware.committed(audit)
        let byIndex = Dictionary(results.compactMap { result in result.entryIndex.map { ($0, result) } }, uniquingKeysWith: { a, _ in a })
        let readByIndex = Dictionary(readEntries, uniquingKeysWith: { a, _ in a })
        let warnings = issues.filter { !$0.isError } + Self.warnings(of: mapping)
        var responseEntries: [ResponseBundle.Model.Entry] = []
        for index in entries.indices {
            if let read = readByIndex[index] {
                responseEntries.append(read)
            } else if let result = byIndex[index] {
                responseEntries.append(entry(for: result, warnings: Self.issues(warnings, ofEntry: index), call: call))
            } else {
                responseEntries.append(ResponseBundle.entry(response: ResponseBundle.response(status: 200, stored: nil)))
            }
        }
        return call.resource(ResponseBundle.bundle(type: "transaction-response", entries: responseEntries), status: 200)
    }

    /// The response entry of one write, with what `Prefer` asks for: nothing more (the
    /// default for Bundles), the resource, or an OperationOutcome in `response.outcome`.
    private func entry(for result: TransactionExecutor.EntryResult, warnings: [Issue], call: APICall) -> ResponseBundle.Model.Entry {
        let status = switch result.status {
        case .created: 201
        case .updated, .unchanged: 200
        case .deleted: 204
        }
        let stored = result.resource.flatMap { $0.isDeleted ? nil : $0 }
        var resource: FHIRElement?
        var outcome: FHIRElement?
        switch call.prefer.returnPreference {
        case .representation?: resource = stored.flatMap(APICall.element(of:))
        case .operationOutcome?:
            let text = switch result.status {
            case .created: "created"
            case .updated: "updated"
            case .unchanged: "not created: the conditional create matched an existing resource"
            case .deleted: "deleted"
            }
            outcome = ([Issue(.information, .informational, text)] + warnings).operationOutcome()
        case .minimal?, nil: break
        }
        return ResponseBundle.entry(
            fullUrl: stored.map { "\(call.baseURL)/\($0.type)/\($0.id)" }, resource: resource,
            response: ResponseBundle.response(status: status, stored: result.status == .deleted ? nil : result.resource, outcome: outcome))
    }

    // MARK: Batch

    private func batch(_ bundle: FHIRElement, issues: [Issue], call: APICall) async throws -> HTTPResponse {
        let bundleIssues = issues.filter { !($0.expression ?? "").hasPrefix("Bundle.entry[") }
        if bundleIssues.containsErrors { throw APIError.badRequest(bundleIssues) }
        var responseEntries: [ResponseBundle.Model.Entry] = []
        for (index, entry) in bundle.children("entry").enumerated() {
            let entryIssues = Self.issues(issues, ofEntry: index)
            do {
                if entryIssues.containsErrors { throw APIError.badRequest(entryIssues) }
                let request = entry.child("request")
                if let method = request?.child("method")?.value, method == "GET" || method == "HEAD",
                   let url = request?.child("url")?.value {
                    let boundary = DataBoundary.current
                    responseEntries.append(try await store.readAsync { try self.readEntry(url: url, reader: $0, boundary: boundary, call: call) })
                    continue
                }
                let single = FHIRElement.resource("Bundle", children: [
                    FHIRElement(name: "type", value: "transaction", form: .primitive), entry,
                ])
                let written: TransactionExecutor.EntryResult
                let mapping: MappingOutcome
                do {
                    let plan = try Self.plan(single)
                    mapping = try map(single)
                    guard let result = try await commit(plan, mapping).first else {
                        throw APIError(400, .invalid, "the entry asks for nothing to be written")
                    }
                    written = result
                } catch {
                    throw Self.relocate(error, entry: 0, to: .entry(index))
                }
                let warnings = entryIssues.filter { !$0.isError }
                    + Self.relocate(Self.warnings(of: mapping), entry: 0, to: .entry(index))
                responseEntries.append(self.entry(for: written, warnings: warnings, call: call))
            } catch {
                let failure = apiError(for: error, call: call)
                responseEntries.append(ResponseBundle.entry(response: ResponseBundle.response(
                    status: failure.status, stored: nil, outcome: failure.issues.operationOutcome())))
            }
        }
        return call.resource(ResponseBundle.bundle(type: "batch-response", entries: responseEntries), status: 200)
    }

    /// Issues whose FHIRPath is inside entry `index` (`Bundle.entry[3]…`, not `Bundle.entry[30]`).
    static func issues(_ issues: [Issue], ofEntry index: Int) -> [Issue] {
        let prefix = "Bundle.entry[\(index)]"
        return issues.filter { $0.expression?.hasPrefix(prefix) == true }
    }
}
