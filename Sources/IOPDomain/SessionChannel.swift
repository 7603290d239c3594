/// How a session is (or was) held. Sessions are planned over video; the phone is the back-up
/// when the platform or the participant's connection fails, and the only channel for a
/// phone-only participant.
public enum SessionChannel: String, Hashable, Sendable, Codable, CaseIterable {
    case video
    case phone
}
