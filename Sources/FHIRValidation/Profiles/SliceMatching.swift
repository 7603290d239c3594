import FHIRCore

/// Which slice an item belongs to (profiling.html §5.1.0.14): the slice's discriminating
/// elements, fixed or patterned in the differential, are compared with the item's.
enum SliceMatching {
    static func item(
        _ item: ProfiledNode, isIn slice: ProfileElement, by discriminators: [ElementRule.Discriminator], walk: ProfileWalk
    ) -> Bool {
        guard !discriminators.isEmpty else { return false }
        return discriminators.allSatisfy { discriminator in
            matches(item, slice: slice, discriminator: discriminator, catalogue: walk.catalogue)
        }
    }

    private static func matches(
        _ item: ProfiledNode, slice: ProfileElement, discriminator: ElementRule.Discriminator, catalogue: TypeCatalogue
    ) -> Bool {
        let values = item.values(at: discriminator.path, in: catalogue)
        switch discriminator.type {
        case "value", "pattern":
            guard let expected = expectedValue(in: slice, at: discriminator.path) else { return false }
            return values.contains { value in
                switch expected {
                case .fixed(let fixed): PatternMatching.equalsFixed(value.element, fixed)
                case .pattern(let pattern): PatternMatching.contains(value.element, pattern: pattern)
                case .text(let text): value.element.value == text
                }
            }
        case "type":
            let types = rule(in: slice, at: discriminator.path)?.types.map(\.code) ?? []
            return values.contains { types.contains($0.typeName) }
        case "exists":
            let required = (rule(in: slice, at: discriminator.path)?.min ?? 0) > 0
            return values.isEmpty != required
        default:
            return false  // `profile` discriminators need conformance checks against each slice
        }
    }

    private enum Expected {
        case fixed(FHIRElement), pattern(FHIRElement), text(String)
    }

    /// The value a slice fixes at the discriminator path; for an extension's `url`, the URL of
    /// the extension definition the slice names as its type profile.
    private static func expectedValue(in slice: ProfileElement, at path: String) -> Expected? {
        if let rule = rule(in: slice, at: path) {
            if let fixed = rule.fixed { return .fixed(fixed) }
            if let pattern = rule.pattern { return .pattern(pattern) }
        }
        if path == "url", let profile = slice.rule?.types.first(where: { $0.code == "Extension" })?.profiles.first {
            return .text(profile)
        }
        return nil
    }

    private static func rule(in slice: ProfileElement, at path: String) -> ElementRule? {
        var element = slice
        for segment in path.split(separator: ".") where segment != "$this" {
            guard let child = element.children.first(where: { $0.name == segment || $0.name == segment + "[x]" }) else {
                return nil
            }
            element = child
        }
        return element.rule
    }
}
