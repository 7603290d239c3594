/// The `[type]/[id]` a reference or URL ends with, and the version of a `…/_history/[vid]` one
/// (references.html §2.3.0: relative `Patient/123`, absolute `https://host/fhir/Patient/123`,
/// versioned `Patient/123/_history/2`). Only the shape is read: whether the type is a resource
/// type is for the caller to say. (The validator's hot path reads the same shape from bytes,
/// `ReferenceResolution.typeFromURL`, checking the type against the catalogue as it goes.)
public struct ResourceAddress: Sendable, Hashable {
    public let type: String
    public let id: String
    public let version: String?

    public init?(_ text: some StringProtocol) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: true)
        if parts.count >= 4, parts[parts.count - 2] == "_history" {
            type = String(parts[parts.count - 4])
            id = String(parts[parts.count - 3])
            version = String(parts[parts.count - 1])
        } else if parts.count >= 2 {
            type = String(parts[parts.count - 2])
            id = String(parts[parts.count - 1])
            version = nil
        } else {
            return nil
        }
    }

    /// `Type/id`, or `Type/id/_history/vid`.
    public var relative: String {
        version.map { "\(type)/\(id)/_history/\($0)" } ?? "\(type)/\(id)"
    }
}
