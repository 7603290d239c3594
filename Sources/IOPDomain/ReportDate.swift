import Foundation

/// Dates as PCP-facing text shows them: UTC, to the day or to the minute, the same on every
/// machine (no locale, no time zone of the server).
public enum ReportDate {
    public static func day(_ date: Date) -> String { String(format(date).prefix(10)) }

    /// `2026-11-23 14:05 UTC`.
    public static func minute(_ date: Date) -> String {
        let text = format(date)
        return String(text.prefix(10)) + " " + String(text.dropFirst(11).prefix(5)) + " UTC"
    }

    /// `2026-11-23T14:05:09Z`: for keys, where two events a minute apart must differ.
    public static func second(_ date: Date) -> String { format(date) }

    private static func format(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }
}
