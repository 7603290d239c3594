import Foundation

/// An instant in UTC with microsecond precision: the store's clock and every time it records.
///
/// Microseconds because PostgreSQL's `timestamptz` holds exactly that, so both engines round-trip
/// the same value, and because a `Date` (a `Double` of seconds) cannot promise to give back the
/// microsecond it was given. FHIR `instant` (`meta.lastUpdated`) allows any fraction of a second.
public struct StoreTimestamp: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// Microseconds since 1970-01-01T00:00:00Z.
    public var microsecondsSinceEpoch: Int64

    public init(microsecondsSinceEpoch: Int64) {
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
    }

    public init(_ date: Date) {
        microsecondsSinceEpoch = Int64((date.timeIntervalSince1970 * 1_000_000).rounded())
    }

    /// 0001-01-01T00:00:00Z, the earliest FHIR instant: the start of a search interval that has
    /// none (a Period without `start`). Within PostgreSQL's `timestamptz` range, unlike `Int64.min`.
    public static let distantPast = StoreTimestamp(microsecondsSinceEpoch: -62_135_596_800_000_000)

    /// 9999-12-31T23:59:59.999999Z, the last FHIR instant: the end of a search interval that has
    /// none (a Period without `end`, still open).
    public static let distantFuture = StoreTimestamp(microsecondsSinceEpoch: 253_402_300_799_999_999)

    /// The wall clock now.
    public static func now() -> StoreTimestamp { StoreTimestamp(Date()) }

    public var date: Date { Date(timeIntervalSince1970: Double(microsecondsSinceEpoch) / 1_000_000) }

    public static func < (lhs: StoreTimestamp, rhs: StoreTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// This instant moved by a duration (sub-microsecond parts are dropped).
    public func adding(_ duration: Duration) -> StoreTimestamp {
        let (seconds, attoseconds) = duration.components
        return StoreTimestamp(microsecondsSinceEpoch: microsecondsSinceEpoch + seconds * 1_000_000 + attoseconds / 1_000_000_000_000)
    }

    /// FHIR `instant` text in UTC with six fraction digits, e.g. `2024-05-01T09:30:00.000125Z`.
    public var fhirInstant: String {
        let seconds = microsecondsSinceEpoch >= 0 ? microsecondsSinceEpoch / 1_000_000 : (microsecondsSinceEpoch - 999_999) / 1_000_000
        let micros = microsecondsSinceEpoch - seconds * 1_000_000
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let fraction = String(micros)
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
            + String(repeating: "0", count: 6 - fraction.count) + fraction + "Z"
    }

    public var description: String { fhirInstant }
}

/// A span of time for searches: `from` inclusive, `to` exclusive; either may be open.
public struct TimeRange: Hashable, Sendable {
    public var from: StoreTimestamp?
    public var to: StoreTimestamp?

    public init(from: StoreTimestamp? = nil, to: StoreTimestamp? = nil) {
        self.from = from
        self.to = to
    }
}
