import FHIRCore
import FHIRValidation
import GatewayCrypto
import GatewayIntake
import GatewayStore
import IOPMapping

/// The steps every write goes through, as `Intake.prepare` and `Intake.commit` take them, kept
/// apart here so each refusal gets its own status: unreadable or invalid FHIR is 400 (413 over
/// a size limit), a request the transaction rules refuse is 4xx by its kind, a resource the
/// IOP cannot act on (the mapper refuses it) is 422 Unprocessable Content, and a Patient that
/// may be someone on record but that the identity policy will not match alone is 409 Conflict
/// (for a batch, that entry only): nothing is held for a client, which cannot be promised the
/// write proceeds later.
extension FHIRAPI {
    /// Reads and validates the request body (base R4 and the IOP's profiles), or throws the
    /// issues with FHIRPath, line and column.
    func readBody(_ call: APICall, profiles: [String] = []) throws(APIError) -> (resource: FHIRElement, issues: [Issue]) {
        _ = try call.bodyFormat(limit: configuration.maxRequestBytes)
        let outcome = intake.validator.validate(call.request.body, profiles: profiles)
        guard let resource = outcome.resource, !outcome.hasErrors else { throw APIError.badRequest(outcome.issues) }
        return (resource, outcome.issues)
    }

    /// The writes a transaction asks for, in FHIR's processing order; new ids are random, so
    /// two identical POSTs (without a condition) make two resources, as FHIR says they do.
    static func plan(_ bundle: FHIRElement) throws(APIError) -> TransactionPlan {
        let seed = SecureRandom.bytes(16).map { String(format: "%02x", $0) }.joined()
        do {
            return try TransactionPlan(bundle) { Intake.derivedID(seed: seed, index: $0) }
        } catch {
            throw APIError(error)
        }
    }

    /// The domain records, or 422 with the mapper's reasons.
    func map(_ input: FHIRElement) throws(APIError) -> MappingOutcome {
        let mapping = intake.mapper.map(input)
        if mapping.isRefused { throw APIError(422, mapping.issues) }
        return mapping
    }

    static func warnings(of mapping: MappingOutcome) -> [Issue] {
        mapping.entries.flatMap { entry -> [Issue] in
            if case .mapped(let warnings) = entry.verdict { return warnings }
            return []
        }
    }

    /// One unit of work: `check` (preconditions read in the same transaction), the client's
    /// data boundary (`DataBoundary.checkBefore`/`checkAfter`), the writes and the domain
    /// rows. A thrown error rolls all of it back.
    func commit(
        _ plan: TransactionPlan, _ mapping: MappingOutcome,
        check: @escaping @Sendable (any StoreTransaction) throws -> Void = { _ in }
    ) async throws -> [TransactionExecutor.EntryResult] {
        let policy = intake.identityPolicy
        let boundary = DataBoundary.current
        return try await store.writeAsync { transaction in
            try check(transaction)
            try boundary.checkBefore(plan, in: transaction)
            let results = try TransactionExecutor.execute(plan, in: transaction)
            try boundary.checkAfter(results, in: transaction)
            try DomainCommit.write(mapping.records, policy: policy, in: transaction)
            return results
        }
    }

    /// A single resource as a one-entry transaction, so a REST create or update takes exactly
    /// the path a Bundle entry takes (conditional match, stamping, indexing, domain rows).
    static func singleEntryBundle(
        _ resource: FHIRElement, method: String, url: String, fullUrl: String?, ifNoneExist: String?, ifMatch: Int?
    ) -> FHIRElement {
        func primitive(_ name: String, _ value: String) -> FHIRElement {
            FHIRElement(name: name, value: value, form: .primitive)
        }
        var entryResource = resource
        entryResource.name = "resource"
        entryResource.form = []
        var request = [primitive("method", method), primitive("url", url)]
        if let ifMatch { request.append(primitive("ifMatch", "W/\"\(ifMatch)\"")) }
        if let ifNoneExist { request.append(primitive("ifNoneExist", ifNoneExist)) }
        var entry: [FHIRElement] = []
        if let fullUrl { entry.append(primitive("fullUrl", fullUrl)) }
        entry.append(entryResource)
        entry.append(FHIRElement(name: "request", children: request))
        return .resource("Bundle", children: [
            primitive("type", "transaction"), FHIRElement(name: "entry", children: entry, form: .list),
        ])
    }

    /// Issues about entry `from` of a wrapper Bundle, said of what the client sent: another
    /// entry index (a batch entry), or the resource itself (`Patient.birthDate`, a REST write).
    static func relocate(_ issues: [Issue], entry from: Int, to target: IssueTarget) -> [Issue] {
        let entryPath = "Bundle.entry[\(from)]"
        return issues.map { issue in
            var issue = issue
            guard let expression = issue.expression, expression.hasPrefix(entryPath) else { return issue }
            let rest = expression.dropFirst(entryPath.count)
            switch target {
            case .entry(let index):
                issue.expression = "Bundle.entry[\(index)]" + rest
            case .resource(let type):
                if rest.hasPrefix(".resource") {
                    issue.expression = type + rest.dropFirst(".resource".count)
                } else {
                    issue.expression = nil
                }
            }
            return issue
        }
    }

    enum IssueTarget: Sendable { case entry(Int), resource(String) }

    /// An intake or API error with its issues relocated (see ``relocate(_:entry:to:)``).
    static func relocate(_ error: any Error, entry from: Int, to target: IssueTarget) -> any Error {
        switch error {
        case let error as IntakeError:
            let api = APIError(error)
            return APIError(api.status, relocate(api.issues, entry: from, to: target), headers: api.headers)
        case let error as APIError:
            return APIError(error.status, relocate(error.issues, entry: from, to: target), headers: error.headers)
        default:
            return error
        }
    }
}
