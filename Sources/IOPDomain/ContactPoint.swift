/// A way to reach a participant.
///
/// Sessions run over video with the phone as back-up: when the video platform fails, the
/// clinician calls the participant's back-up number, so that number is marked explicitly
/// rather than guessed from `use`. FHIR `ContactPoint` has no such flag; the mapper carries it
/// (e.g. as an extension) or reports it.
public struct ContactPoint: Hashable, Sendable, Codable {
    public var system: ContactSystem
    /// The number or address exactly as given.
    public var value: String
    public var use: ContactUse?
    /// Preference order, 1 = highest (FHIR `ContactPoint.rank`).
    public var rank: Int?
    /// The number to call when a video session fails. Meaningful for `.phone` only.
    public var isSessionBackup: Bool

    public init(system: ContactSystem, value: String, use: ContactUse? = nil, rank: Int? = nil,
                isSessionBackup: Bool = false) {
        self.system = system
        self.value = value
        self.use = use
        self.rank = rank
        self.isSessionBackup = isSessionBackup
    }
}

/// How a contact point is reached. Raw values are FHIR `contact-point-system` codes.
public enum ContactSystem: String, Hashable, Sendable, Codable, CaseIterable {
    case phone
    case sms
    case email
}

/// The purpose of a contact point. Raw values are FHIR `contact-point-use` codes.
public enum ContactUse: String, Hashable, Sendable, Codable, CaseIterable {
    case home
    case work
    case mobile
    case temp
}
