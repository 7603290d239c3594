import Foundation

/// A span of time, open at either end: a consent "until revoked", a plan with no end date yet.
///
/// Named `DatePeriod` rather than `Period` so the mapper can import this module beside the FHIR
/// models (which have a `Period`) without qualifying every use. Both ends are inclusive, as in
/// FHIR R4 `Period` (datatypes.html#Period: "the end is inclusive").
public struct DatePeriod: Hashable, Sendable, Codable {
    public let start: Date?
    public let end: Date?

    /// Throws `periodEndsBeforeStart(.datePeriod)` when `end < start`.
    public init(start: Date?, end: Date?) throws(DomainError) {
        if let start, let end, end < start { throw .periodEndsBeforeStart(.datePeriod) }
        self.start = start
        self.end = end
    }

    /// A period with no bounds.
    public static let unbounded = DatePeriod(uncheckedStart: nil, end: nil)

    /// From `start` with no end.
    public static func starting(_ start: Date) -> DatePeriod { DatePeriod(uncheckedStart: start, end: nil) }

    private init(uncheckedStart start: Date?, end: Date?) {
        self.start = start
        self.end = end
    }

    /// Whether `date` lies within the period, ends included.
    public func contains(_ date: Date) -> Bool {
        if let start, date < start { return false }
        if let end, date > end { return false }
        return true
    }

    /// Whether `date` is before the period begins.
    public func hasNotStarted(at date: Date) -> Bool { start.map { date < $0 } ?? false }

    /// Whether `date` is after the period ended.
    public func hasEnded(at date: Date) -> Bool { end.map { date > $0 } ?? false }

    private enum CodingKeys: String, CodingKey { case start, end }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let start = try container.decodeIfPresent(Date.self, forKey: .start)
        let end = try container.decodeIfPresent(Date.self, forKey: .end)
        do { try self.init(start: start, end: end) } catch {
            throw DecodingError.dataCorruptedError(forKey: .end, in: container, debugDescription: error.description)
        }
    }
}
