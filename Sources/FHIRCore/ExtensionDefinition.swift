/// A core extension definition (a StructureDefinition of type Extension in the R4 package), as
/// far as base validation applies it: where it may be used, the types its value may have, and
/// for a complex extension its sub-extensions (extensibility.html §2.17.1, the `X` records of
/// the generated catalogue).
public struct ExtensionDefinition: Sendable {
    public enum Context: Sendable, Hashable {
        /// An element path or type name (`Patient`, `HumanName.family`, `Element`).
        case element(String)
        /// Another extension, by URL.
        case `extension`(String)
    }

    public struct SubExtension: Sendable {
        public let url: String
        public let min: Int
        /// `Int.max` for `*`.
        public let max: Int
        /// `nil`: any type, or the sub-extension is itself complex.
        public let valueTypes: [String]?
    }

    public let url: String
    /// `nil` when a context is a FHIRPath expression (not checked here).
    public let contexts: [Context]?
    /// `false` for a complex extension: it has sub-extensions and no value.
    public let hasValue: Bool
    public let valueMin: Int
    /// `nil`: any type.
    public let valueTypes: [String]?
    public let subExtensions: [SubExtension]

    /// Parses the fields of an `X` record after the kind.
    init?(fields: ArraySlice<Substring>) {
        guard fields.count >= 3 else { return nil }
        var field = fields.makeIterator()
        url = String(field.next()!)
        let contextField = field.next()!
        contexts = contextField == "*" ? nil : contextField.split(separator: " ").compactMap { context in
            if context.hasPrefix("e:") { return .element(String(context.dropFirst(2))) }
            if context.hasPrefix("x:") { return .extension(String(context.dropFirst(2))) }
            return nil
        }
        let value = field.next()!
        if value == "-" {
            hasValue = false
            valueMin = 0
            valueTypes = nil
        } else {
            let parts = value.split(separator: ":", maxSplits: 1)
            hasValue = true
            valueMin = Int(parts[0]) ?? 0
            valueTypes = parts.count < 2 || parts[1] == "*" ? nil : parts[1].split(separator: ",").map(String.init)
        }
        var subExtensions: [SubExtension] = []
        while let sub = field.next() {
            let parts = sub.split(separator: ":", maxSplits: 3, omittingEmptySubsequences: false)
            guard parts.count == 4 else { return nil }
            subExtensions.append(SubExtension(
                url: String(parts[3]), min: Int(parts[0]) ?? 0, max: parts[1] == "*" ? Int.max : Int(parts[1]) ?? 1,
                valueTypes: parts[2] == "-" || parts[2] == "*" ? nil : parts[2].split(separator: ",").map(String.init)))
        }
        self.subExtensions = subExtensions
    }
}
