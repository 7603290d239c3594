import FHIRCore
import FHIRSearch

/// `_summary` and `_elements` (search.html §3.1.1.5.9, §3.1.1.5.10): a resource cut down to
/// what was asked for, with the mandatory elements kept and `meta.tag` SUBSETTED, so a client
/// never mistakes it for the whole resource.
struct ResourceSubset {
    let summary: SummaryMode?
    let elements: [String]?

    static let subsettedSystem = "http://terminology.hl7.org/CodeSystem/v3-ObservationValue"

    var isWhole: Bool { (summary == nil || summary == .false) && elements == nil }

    func apply(_ resource: FHIRElement) -> FHIRElement {
        guard !isWhole, let type = resource.resourceType else { return resource }
        let catalogue = TypeCatalogue.r4
        let context = catalogue.resourceContextID(forName: type).map { catalogue.contexts[$0] }
        func definition(_ name: String) -> ElementDefinition? {
            guard let context, let index = context.memberIndex(named: name) else { return nil }
            return catalogue.elements[context.members[index].elementIndex]
        }
        var copy = resource
        copy.children = resource.children.filter { child in
            let name = child.name
            if name == "id" || name == "meta" { return true }
            let element = definition(name)
            let mandatory = (element?.min ?? 0) > 0
            switch summary {
            case .text?: return name == "text" || mandatory
            case .data?: return name != "text"
            case .true?: return element?.isSummary == true || mandatory
            default: break
            }
            if let elements { return mandatory || elements.contains(where: { $0 == name || $0 == Self.stem(name) }) }
            return true
        }
        if summary == .data { return copy }
        return Self.tagged(copy)
    }

    /// `valueQuantity` → `value` (a choice element's FHIRPath name).
    static func stem(_ name: String) -> String {
        guard let index = name.firstIndex(where: \.isUppercase) else { return name }
        return String(name[..<index])
    }

    static func tagged(_ resource: FHIRElement) -> FHIRElement {
        var copy = resource
        let tag = FHIRElement(name: "tag", children: [
            FHIRElement(name: "system", value: subsettedSystem, form: .primitive),
            FHIRElement(name: "code", value: "SUBSETTED", form: .primitive),
        ], form: .list)
        if let index = copy.children.firstIndex(where: { $0.name == "meta" }) {
            // `tag` is the last element of Meta, so it goes at the end.
            copy.children[index].children.append(tag)
        } else {
            let position = copy.children.firstIndex(where: { $0.name == "id" }).map { $0 + 1 } ?? 0
            copy.children.insert(FHIRElement(name: "meta", children: [tag]), at: position)
        }
        return copy
    }
}
