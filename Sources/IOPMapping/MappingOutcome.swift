import FHIRCore

/// What the inbound mapper made of one FHIR input: a verdict per resource (each Bundle entry, or
/// the single resource) and the domain records of those it mapped.
public struct MappingOutcome: Sendable {
    public var entries: [EntryOutcome]
    public var records: DomainRecords

    public init(entries: [EntryOutcome] = [], records: DomainRecords = DomainRecords()) {
        self.entries = entries
        self.records = records
    }

    /// Any entry refused: the input must not be stored (all or nothing).
    public var isRefused: Bool { entries.contains { if case .refused = $0.verdict { true } else { false } } }

    /// The refusals' issues, each with the entry's FHIRPath (`Bundle.entry[3].resource…`).
    public var issues: [Issue] {
        entries.flatMap { entry -> [Issue] in
            if case .refused(let issues) = entry.verdict { return issues }
            return []
        }
    }
}

/// The mapper's verdict on one resource.
public struct EntryOutcome: Sendable, Hashable {
    public enum Verdict: Sendable, Hashable {
        /// Carried into the domain (possibly with warnings for what could not be carried).
        case mapped(warnings: [Issue])
        /// Valid FHIR the IOP has no use for (an Observation, a Claim), with the reason; stored as
        /// received but not mapped.
        case notForIOP(reason: String)
        /// The IOP needs this resource but cannot act on it (no identifier on a Patient, an
        /// Appointment for nobody): the whole input is refused.
        case refused([Issue])
    }

    /// The Bundle entry index, or `nil` for a single resource.
    public let entryIndex: Int?
    public let resourceType: String
    public let verdict: Verdict

    public init(entryIndex: Int?, resourceType: String, verdict: Verdict) {
        self.entryIndex = entryIndex
        self.resourceType = resourceType
        self.verdict = verdict
    }
}
