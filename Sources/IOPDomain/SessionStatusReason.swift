/// Why a session was cancelled, rescheduled or missed: a code for counting, a note for people.
public struct SessionStatusReason: Hashable, Sendable, Codable {
    public var code: Code
    /// Staff's words. May hold clinical or personal detail; never copied into errors.
    public var note: String?

    public init(_ code: Code, note: String? = nil) {
        self.code = code
        self.note = note
    }

    /// Whether the IOP's own video platform failed. Kept apart from the participant's connection
    /// problems so that reports can count platform outages, which are the program's
    /// responsibility, against sessions the participant could not join.
    public var isPlatformOutage: Bool { code == .platformOutage }

    /// The closed set of reasons. Raw values are stable codes.
    public enum Code: String, Hashable, Sendable, Codable, CaseIterable {
        /// The IOP's video platform was down and the phone back-up was not used or also failed.
        case platformOutage = "platform-outage"
        /// The participant's device or connection failed.
        case participantConnectivity = "participant-connectivity"
        case participantRequest = "participant-request"
        case participantIllness = "participant-illness"
        /// The participant is in hospital or in crisis care.
        case participantHospitalised = "participant-hospitalised"
        case clinicianUnavailable = "clinician-unavailable"
        /// A holiday, weather or another closure of the whole program.
        case programClosure = "program-closure"
        /// No word from the participant.
        case noShow = "no-show"
        case other
    }
}
