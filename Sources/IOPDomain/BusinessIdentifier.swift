/// An identifier issued by someone else: an MRN, a Medicaid member ID, an NPI, a referral number.
///
/// Two identifiers are the same when system and value are equal, character for character:
/// FHIR R4 (datatypes.html#Identifier) makes values case-sensitive and gives no normalisation,
/// and "guessing" here would merge two people. An identifier without a system cannot be matched
/// (whose MRN is it?), so the domain has none: the mapper reports such an identifier.
public struct BusinessIdentifier: Hashable, Comparable, Sendable, Codable {
    /// A URI naming the issuer's namespace, e.g. `http://hl7.org/fhir/sid/us-npi`.
    public var system: String
    public var value: String
    /// The kind of identifier as a v2-0203 code (`MR`, `SS`, `DL`, `PPN`), when the sender
    /// said: what `IdentityPolicy` decides on. It describes the identifier and is not part of
    /// its identity, so equality and hashing are system and value only.
    public var type: String?

    public init(system: String, value: String, type: String? = nil) {
        self.system = system
        self.value = value
        self.type = type
    }

    public static func == (lhs: BusinessIdentifier, rhs: BusinessIdentifier) -> Bool {
        lhs.system == rhs.system && lhs.value == rhs.value
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(system)
        hasher.combine(value)
    }

    /// Whether both parts have content; only usable identifiers take part in matching.
    public var isUsable: Bool {
        !system.trimmingWhitespace.isEmpty && !value.trimmingWhitespace.isEmpty
    }

    public static func < (lhs: BusinessIdentifier, rhs: BusinessIdentifier) -> Bool {
        (lhs.system, lhs.value) < (rhs.system, rhs.value)
    }
}

extension BusinessIdentifier {
    /// Well-known identifier systems.
    public enum Systems {
        /// US National Provider Identifier (clinicians and organisations).
        public static let npi = "http://hl7.org/fhir/sid/us-npi"
        /// US Medicare Beneficiary Identifier.
        public static let medicare = "http://hl7.org/fhir/sid/us-mbi"
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and line breaks.
    var trimmingWhitespace: Substring {
        let isSpace: (Character) -> Bool = { $0.isWhitespace }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return self[first...last]
    }

    /// Whether the string has any character other than white space.
    var hasContent: Bool { contains { !$0.isWhitespace } }
}
