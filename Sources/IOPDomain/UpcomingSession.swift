import Foundation

/// A booked session the PCP may want to know about (times and kind only).
public struct UpcomingSession: Hashable, Sendable, Codable {
    public var sessionID: ProgramSession.ID
    public var modality: SessionModality
    public var start: Date
    public var channel: SessionChannel
    public var containsPart2Data: Bool

    public init(_ session: ProgramSession) {
        self.sessionID = session.id
        self.modality = session.modality
        self.start = session.scheduledStart
        self.channel = session.plannedChannel
        self.containsPart2Data = session.containsPart2Data
    }
}
