import GatewayStore

/// Checked just before each send (FHIR-RULES.md, privacy): a consent revoked after a message
/// was queued stops it. `PCPUpdates.ConsentGate` implements it over `DisclosureConsent`; the
/// worker only acts on the answer and audits it.
public protocol DisclosureGate: Sendable {
    func check(_ message: OutboundMessage, endpoint: OutboundEndpoint) async -> DisclosureDecision

    /// Records a disclosure made (the receiver took the message) in the unit of work that marks
    /// it delivered, so the disclosure log and the outbox never disagree.
    func recordDisclosure(of message: OutboundMessage, endpointKey: String, consentID: String?, remoteID: String?,
                          in transaction: any StoreTransaction) throws
}

extension DisclosureGate {
    /// Gates without a disclosure log of their own record nothing beyond the audit event.
    public func recordDisclosure(of message: OutboundMessage, endpointKey: String, consentID: String?, remoteID: String?,
                                 in transaction: any StoreTransaction) throws {}
}

/// What the gate allows. Reasons are codes and ids, never patient data: they go into the
/// audit log and the message's `lastError`.
public enum DisclosureDecision: Sendable, Hashable {
    /// Send it; `consentID` names the consent the disclosure is made under (for the audit).
    case permit(consentID: String?)
    /// Not now (e.g. a consent that starts later, a pending review): try again at `until`.
    case hold(reason: String, until: StoreTimestamp)
    /// Never (consent revoked or refused): the message goes to the dead letters.
    case cancel(reason: String)
}

/// Permits everything; for endpoints whose content needs no consent, and for tests.
public struct PermitAllGate: DisclosureGate {
    public init() {}

    public func check(_ message: OutboundMessage, endpoint: OutboundEndpoint) async -> DisclosureDecision {
        .permit(consentID: nil)
    }
}
