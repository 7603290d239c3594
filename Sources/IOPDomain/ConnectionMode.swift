/// How a participant joins sessions.
///
/// Some participants have no device or bandwidth for video and join every session by phone;
/// scheduling, reminders and attendance reports treat them differently, so it is recorded
/// rather than inferred from missing e-mail addresses.
public enum ConnectionMode: String, Hashable, Sendable, Codable, CaseIterable {
    /// Video, with the back-up phone when the video fails.
    case video
    /// Telephone only.
    case phoneOnly = "phone-only"
}
