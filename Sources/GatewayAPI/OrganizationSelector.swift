/// An organization a client is tied to in the clients file: `Organization/<id>` as stored here,
/// or `<system>|<value>`, an identifier of it (an NPI, a facility id), which stays true when the
/// EHR re-sends its Organization under a new id.
public enum OrganizationSelector: Sendable, Hashable, CustomStringConvertible {
    case id(String)
    case identifier(system: String, value: String)

    /// nil for anything else (a bare id, an identifier without a system).
    public init?(_ text: String) {
        if text.hasPrefix("Organization/") {
            let id = text.dropFirst("Organization/".count)
            guard !id.isEmpty, id.count <= 64,
                  id.utf8.allSatisfy({ $0 == 0x2D || $0 == 0x2E || (0x30...0x39).contains($0) || (0x41...0x5A).contains($0) || (0x61...0x7A).contains($0) })
            else { return nil }
            self = .id(String(id))
            return
        }
        let parts = text.split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { return nil }
        self = .identifier(system: String(parts[0]), value: String(parts[1]))
    }

    public var description: String {
        switch self {
        case .id(let id): "Organization/\(id)"
        case .identifier(let system, let value): "\(system)|\(value)"
        }
    }
}
