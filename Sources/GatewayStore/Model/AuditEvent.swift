/// One line of the audit log: who did what to which resource, with what outcome.
///
/// `detail` must carry no patient data (no names, identifiers or clinical text): it is for
/// counts, endpoint keys, consent ids and issue codes. Write the audit event in the same unit
/// of work as what it records; audit a refused request in a unit of work of its own, after the
/// refused one rolled back.
public struct AuditEvent: Hashable, Sendable {
    /// Assigned by the store, increasing; 0 before it is appended.
    public var sequence: Int64
    public var time: StoreTimestamp
    /// The authenticated client or staff member, or the gateway itself (`system:outbound`).
    public var actor: String
    /// `create`, `update`, `read`, `search`, `transaction`, `import`, `disclose`, ...
    public var action: String
    public var resourceType: String?
    public var resourceId: String?
    /// `success`, `failure`, or an HTTP status.
    public var outcome: String
    public var detail: String?

    public init(
        sequence: Int64 = 0, time: StoreTimestamp, actor: String, action: String, resourceType: String? = nil,
        resourceId: String? = nil, outcome: String, detail: String? = nil
    ) {
        self.sequence = sequence
        self.time = time
        self.actor = actor
        self.action = action
        self.resourceType = resourceType
        self.resourceId = resourceId
        self.outcome = outcome
        self.detail = detail
    }
}
