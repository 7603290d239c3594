import Foundation

/// A typed identifier of a domain entity, e.g. `Participant.ID` or `ProgramSession.ID`.
///
/// The phantom `Owner` keeps a session's ID from being passed where a participant's is expected,
/// which a bare `String` would allow. The gateway's own IDs, not the business identifiers an EHR
/// sends (those are `BusinessIdentifier`s): an ID made by `generate()` is a lower-case UUID, which
/// is also a valid FHIR `id` (`[A-Za-z0-9\-\.]{1,64}`), so the mapper may use it as a resource id.
///
/// Encodes as a bare JSON string so that store rows stay readable and queryable.
public struct EntityID<Owner>: RawRepresentable, Hashable, Comparable, Sendable, Codable,
    CustomStringConvertible, ExpressibleByStringLiteral
{
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }

    /// A new random ID (a lower-case UUID).
    public static func generate() -> Self { Self(UUID().uuidString.lowercased()) }

    public var description: String { rawValue }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard !text.isEmpty else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "An ID is empty"))
        }
        rawValue = text
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}
