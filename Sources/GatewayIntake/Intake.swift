import FHIRCore
import FHIRValidation
import Foundation
import GatewayCrypto
import GatewayStore
import IOPDomain
import IOPMapping

/// What a FHIR input goes through, however it arrives (an imported file, an NDJSON line, an
/// HTTP request): read, validate (base R4 and the IOP's profiles), map to the domain, then, in
/// the caller's single unit of work, the resources as received and the domain rows together
/// (ARCHITECTURE.md: one transaction per unit of work).
///
/// `prepare` touches no store, so several inputs can be prepared in parallel; `commit` runs
/// inside `GatewayStore.write`.
public struct Intake: Sendable {
    public let validator: DocumentValidator
    public let mapper: any InboundMapping
    /// How a resource that arrives alone finds the stored resources it refers to.
    public let context: MappingContext?
    /// Which stored participant an incoming one is (`DomainCommit`); the mapper has its own
    /// copy for the Patients within one input.
    public let identityPolicy: IdentityPolicy

    public init(validator: DocumentValidator, mapper: any InboundMapping, context: MappingContext? = nil,
                identityPolicy: IdentityPolicy = .gateway) {
        self.validator = validator
        self.mapper = mapper
        self.context = context
        self.identityPolicy = identityPolicy
    }

    /// An input ready to be written.
    public struct Prepared: Sendable {
        public let resource: FHIRElement
        public let plan: TransactionPlan
        public let mapping: MappingOutcome
        /// Warnings from validation and mapping, kept for the report.
        public let warnings: [Issue]

        /// Resources the input holds (a Bundle counts itself and its entries' resources).
        public var resourceCount: Int {
            resource.resourceType == "Bundle" ? 1 + resource.children("entry").count : 1
        }
    }

    /// Reads, validates and maps; the issues explain a refusal (with FHIRPath, line and column).
    /// `idSeed` makes the ids assigned to new resources a function of the input, so importing
    /// the same content again assigns the same ids.
    public func prepare(_ bytes: [UInt8], idSeed: String) -> Result<Prepared, IssueList> {
        let validated = validator.validate(bytes)
        guard let resource = validated.resource, !validated.hasErrors else { return .failure(IssueList(validated.issues)) }
        let plan: TransactionPlan
        do {
            plan = try TransactionPlan(resource) { Self.derivedID(seed: idSeed, index: $0) }
        } catch {
            return .failure(IssueList(validated.issues + [error.issue]))
        }
        let mapping: MappingOutcome
        if let context, resource.resourceType != "Bundle" {
            mapping = context.map(resource, with: mapper)
        } else {
            mapping = mapper.map(resource)
        }
        if mapping.isRefused { return .failure(IssueList(validated.issues + mapping.issues)) }
        let mappingWarnings = mapping.entries.flatMap { entry -> [Issue] in
            if case .mapped(let warnings) = entry.verdict { return warnings }
            return []
        }
        return .success(Prepared(resource: resource, plan: plan, mapping: mapping, warnings: validated.issues + mappingWarnings))
    }

    /// Writes the resources and the domain rows in the caller's unit of work; any failure
    /// throws (`IdentityHold` for a participant a person must decide on), and the store rolls
    /// everything back.
    @discardableResult
    public static func commit(
        _ prepared: Prepared, policy: IdentityPolicy = .gateway, in transaction: any StoreTransaction
    ) throws -> [TransactionExecutor.EntryResult] {
        let results = try TransactionExecutor.execute(prepared.plan, in: transaction)
        try DomainCommit.write(prepared.mapping.records, policy: policy, in: transaction)
        return results
    }

    /// A resource id from the input's content hash and the entry's position: 32 hex digits of
    /// SHA-256, in UUID layout (a valid FHIR id).
    public static func derivedID(seed: String, index: Int) -> String {
        let hex = SHA256Digest.hash(Array("\(seed):\(index)".utf8)).hex
        let digits = Array(hex.prefix(32))
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}

/// Issues as a value that can be a `Result` failure.
public struct IssueList: Error, Sendable {
    public let issues: [Issue]
    public init(_ issues: [Issue]) { self.issues = issues }
}
