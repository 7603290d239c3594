import FHIRCore

extension FHIRElement {
    /// The first place where two trees differ, or `nil`. With `canonicalNarrative`, narrative
    /// XHTML compares by `XHTMLCanonical.form` instead of byte for byte.
    public func firstDifference(from other: FHIRElement, canonicalNarrative: Bool = false, path: String = "") -> String? {
        let here = path.isEmpty ? name : path
        if name != other.name { return "\(here): name \(name) against \(other.name)" }
        if resourceType != other.resourceType { return "\(here): resourceType differs" }
        if form != other.form { return "\(here): form \(form.rawValue) against \(other.form.rawValue)" }
        if value != other.value {
            let same = canonicalNarrative && form.contains(.xhtml)
                && XHTMLCanonical.form(value ?? "") == XHTMLCanonical.form(other.value ?? "")
            if !same { return "\(here): value differs:\n  \(String((value ?? "nil").prefix(300)))\n  \(String((other.value ?? "nil").prefix(300)))" }
        }
        if children.count != other.children.count {
            return "\(here): \(children.count) children against \(other.children.count) "
                + "(\(children.map(\.name)) against \(other.children.map(\.name)))"
        }
        for (index, pair) in zip(children, other.children).enumerated() {
            if let difference = pair.0.firstDifference(from: pair.1, canonicalNarrative: canonicalNarrative,
                                                       path: "\(here).\(pair.0.name)[\(index)]") {
                return difference
            }
        }
        return nil
    }
}
