/// The answer to "may this be sent now?".
public enum ConsentDecision: Hashable, Sendable, Codable {
    /// Send it, with the re-disclosure notice when it carries Part 2 data (attach it to the
    /// message; `nil` means none is needed). `consentID` names the consent for the audit record.
    case permitted(consentID: DisclosureConsent.ID, redisclosureNotice: String?)
    /// Do not send it.
    case denied(ConsentDenial)

    public var isPermitted: Bool {
        if case .permitted = self { true } else { false }
    }

    /// The reason for a denial, `nil` when permitted.
    public var denial: ConsentDenial? {
        if case .denied(let reason) = self { reason } else { nil }
    }

    /// The notice to attach, `nil` when denied or not needed.
    public var redisclosureNotice: String? {
        if case .permitted(_, let notice) = self { notice } else { nil }
    }
}
