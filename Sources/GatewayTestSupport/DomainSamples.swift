import Foundation
import IOPDomain

/// A seeded, deterministic generator of realistic IOP domain values, for property-style tests
/// (Codable and FHIR mapping round trips, consent and queue behaviour).
///
/// The same seed gives the same values on every platform and Swift version: the generator is
/// SplitMix64 and every draw goes through this type's own arithmetic, never through the
/// standard library's `random(in:using:)` (whose algorithm may change) nor through `Set` or
/// `Dictionary` order (randomised per process).
///
/// Values obey every domain rule (they are built through the checking initialisers and the
/// lifecycle methods) and seek out the edges: phone-only participants, several identifiers,
/// unicode and mononym names, leap-day birth dates, no PCP, Part 2 consents and orders, revoked
/// and expired consents, sessions cancelled for a platform outage, missed sessions corrected to
/// attended, decimal doses like `0.50`. All dates are whole seconds, so they survive ISO 8601
/// and FHIR `instant` round trips. Names, numbers and identifiers are fictional (phone numbers
/// are in the 555-01xx range reserved for fiction).
///
/// ```swift
/// var samples = DomainSamples(seed: 42)
/// let file = samples.caseFile()          // a coherent participant with everything around them
/// let one = samples.participant()        // or one value at a time
/// ```
public struct DomainSamples: Sendable {
    public let seed: UInt64
    private var state: UInt64

    public init(seed: UInt64) {
        self.seed = seed
        self.state = seed
    }

    /// The next 64 random bits (SplitMix64, Steele, Lea and Flood 2014).
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A uniform integer in `range` (modulo bias is negligible for the small ranges used here).
    public mutating func int(in range: ClosedRange<Int>) -> Int {
        let width = UInt64(range.upperBound - range.lowerBound) + 1
        return range.lowerBound + Int(next() % width)
    }

    /// True with probability `percent` / 100.
    public mutating func chance(_ percent: Int) -> Bool { int(in: 0...99) < percent }

    /// One element of a non-empty array.
    public mutating func pick<T>(_ items: [T]) -> T { items[int(in: 0...(items.count - 1))] }

    /// Between `range` distinct elements of `items`, in their original order.
    public mutating func some<T>(_ items: [T], count range: ClosedRange<Int>) -> [T] {
        let wanted = min(items.count, int(in: range))
        var indices = Array(items.indices)
        var chosen: [Int] = []
        for _ in 0..<wanted { chosen.append(indices.remove(at: int(in: 0...(indices.count - 1)))) }
        return chosen.sorted().map { items[$0] }
    }

    /// A lower-case UUID-shaped ID, drawn from the generator.
    public mutating func id<Owner>(_: Owner.Type = Owner.self) -> EntityID<Owner> {
        let high = next(), low = next()
        let hex = String(high, radix: 16).leftPadded(to: 16) + String(low, radix: 16).leftPadded(to: 16)
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4),
                     hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return EntityID(parts.joined(separator: "-"))
    }

    /// The start of the sampled calendar: 2024-01-01T00:00:00Z.
    public static let epoch = Date(timeIntervalSince1970: 1_704_067_200)

    /// A whole-second instant within `days` days after `start`.
    public mutating func date(after start: Date = DomainSamples.epoch, withinDays days: Int = 600) -> Date {
        start.addingTimeInterval(TimeInterval(int(in: 0...(days * 86_400))))
    }

    /// `body`'s value; a rule broken by the generator is a bug in the generator, so it stops.
    static func valid<T>(_ body: () throws(DomainError) -> T) -> T {
        do { return try body() } catch { preconditionFailure("DomainSamples broke a domain rule: \(error)") }
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
