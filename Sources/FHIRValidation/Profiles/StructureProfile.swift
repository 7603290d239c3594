import FHIRCore

/// A profile: a StructureDefinition with `derivation: constraint`, held as the tree of its
/// differential's elements (structuredefinition.html §2.16.0.3). Elements are nested by their
/// `id` (`Patient.identifier:mrn.type` is the `type` child of the `mrn` slice of `identifier`),
/// which is what the walk in `ProfileWalk.swift` follows over a resource.
public struct StructureProfile: Sendable {
    public let url: String
    public let name: String
    /// The resource or data type it constrains (`Patient`, `Extension`).
    public let type: String
    /// The profile it derives from: a core definition or another profile.
    public let baseDefinition: String
    let root: ProfileElement

    /// Builds the profile from a StructureDefinition read by our own readers. Throws when the
    /// definition is not a differential profile we can apply, saying why.
    public init(_ definition: FHIRElement) throws(ProfileError) {
        guard definition.resourceType == "StructureDefinition" else { throw ProfileError("not a StructureDefinition") }
        guard let url = definition.child("url")?.value, let type = definition.child("type")?.value,
              let base = definition.child("baseDefinition")?.value
        else { throw ProfileError("a profile needs url, type and baseDefinition") }
        guard definition.child("derivation")?.value == "constraint" else {
            throw ProfileError("\(url) is not a constraint (derivation) on a base definition")
        }
        self.url = url
        self.name = definition.child("name")?.value ?? url
        self.type = type
        self.baseDefinition = base
        let elements = definition.child("differential")?.children("element") ?? []
        var root = ProfileElement(name: type)
        for element in elements {
            guard let id = element.child("id")?.value ?? element.child("path")?.value else { continue }
            let rule = ElementRule(element)
            let segments = ElementID.segments(id)
            guard segments.first?.name == type else {
                throw ProfileError("element \(id) of \(url) is not under \(type)")
            }
            root.insert(rule, at: segments.dropFirst())
            if segments.count == 1 { root.rule = rule }
        }
        self.root = root
    }
}

public struct ProfileError: Error, Sendable, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// One node of the differential: the rule for an element, its child elements, and its slices.
struct ProfileElement: Sendable {
    /// The element name as in the path (`identifier`, `value[x]`, `valueQuantity`).
    var name: String
    var rule: ElementRule?
    var children: [ProfileElement] = []
    var slices: [(name: String, element: ProfileElement)] = []

    init(name: String) { self.name = name }

    mutating func insert(_ rule: ElementRule, at segments: ArraySlice<ElementID.Segment>) {
        guard let first = segments.first else { return }
        let rest = segments.dropFirst()
        var index = children.firstIndex { $0.name == first.name }
        if index == nil {
            children.append(ProfileElement(name: first.name))
            index = children.count - 1
        }
        if let sliceName = first.sliceName {
            var sliceIndex = children[index!].slices.firstIndex { $0.name == sliceName }
            if sliceIndex == nil {
                children[index!].slices.append((sliceName, ProfileElement(name: first.name)))
                sliceIndex = children[index!].slices.count - 1
            }
            if rest.isEmpty {
                children[index!].slices[sliceIndex!].element.rule = rule
            } else {
                children[index!].slices[sliceIndex!].element.insert(rule, at: rest)
            }
        } else if rest.isEmpty {
            children[index!].rule = rule
        } else {
            children[index!].insert(rule, at: rest)
        }
    }
}

/// `Patient.identifier:mrn.type` → `Patient`, `identifier` (slice `mrn`), `type`.
enum ElementID {
    struct Segment: Sendable {
        let name: String
        let sliceName: String?
    }

    static func segments(_ id: String) -> [Segment] {
        id.split(separator: ".").map { part in
            let pieces = part.split(separator: ":", maxSplits: 1)
            return Segment(name: String(pieces[0]), sliceName: pieces.count > 1 ? String(pieces[1]) : nil)
        }
    }
}
