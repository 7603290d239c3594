import IOPDomain

/// How one receiver wants our messages (FHIR-RULES.md, "What EHRs accept from us").
///
/// The message payload is always one FHIR JSON resource; the profile decides the request that
/// carries it and whether the receiver can be trusted to suppress a duplicate on resend.
public enum OutboundDeliveryProfile: String, Hashable, Sendable, Codable, CaseIterable {
    /// `POST [base]` with a transaction Bundle whose entry is a conditional create
    /// (`request.ifNoneExist = identifier=<system>|<key>`): a generic, HAPI-style server.
    case transaction
    /// `POST [base]/[type]` with `If-None-Exist: identifier=<system>|<key>`.
    case rest
    /// `POST [base]/DocumentReference` only, no conditional create: most EHRs' progress note.
    case note
    /// `POST [base]/Communication` only, no conditional create (e.g. Oracle Health notifications).
    case communication

    /// The domain's configuration value, as the practice record stores it.
    public init(_ profile: DeliveryProfile) {
        switch profile {
        case .transactionBundle: self = .transaction
        case .conditionalCreate: self = .rest
        case .documentReferenceOnly: self = .note
        }
    }

    /// The domain's closest configuration value (a practice record's), which the URL checks of
    /// `EndpointTarget` go by.
    public var domainProfile: DeliveryProfile {
        switch self {
        case .transaction: .transactionBundle
        case .note: .documentReferenceOnly
        case .rest, .communication: .conditionalCreate
        }
    }

    /// Whether a resend is safe as it is: the receiver matches the stable identifier itself
    /// (FHIR R4 http.html §3.1.0.8.1, conditional create). Otherwise an attempt whose outcome is
    /// unknown is followed by a search for the identifier before anything is sent again.
    public var receiverSuppressesDuplicates: Bool {
        switch self {
        case .transaction, .rest: true
        case .note, .communication: false
        }
    }

    /// The only resource type the profile carries, if it is restricted to one.
    public var requiredResourceType: String? {
        switch self {
        case .transaction, .rest: nil
        case .note: "DocumentReference"
        case .communication: "Communication"
        }
    }
}
