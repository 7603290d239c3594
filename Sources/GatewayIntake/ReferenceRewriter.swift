import FHIRCore

/// Rewrites references to Bundle entries once their ids are known (FHIR-RULES.md, transactions
/// rule 4; http.html §3.1.0.11.2): in `Reference.reference`, in `uri` and `url` elements, and in
/// narrative `href`/`src` attributes; never in `canonical` elements, which name definitions, not
/// instances.
public struct ReferenceRewriter: Sendable {
    /// `fullUrl` (e.g. `urn:uuid:…`) → `Type/id`.
    public let targets: [String: String]
    public let catalogue: TypeCatalogue

    public init(targets: [String: String], catalogue: TypeCatalogue = .r4) {
        self.targets = targets
        self.catalogue = catalogue
    }

    public func rewrite(_ resource: FHIRElement) -> FHIRElement {
        guard !targets.isEmpty, let type = resource.resourceType,
              let contextID = catalogue.resourceContextID(forName: type)
        else { return resource }
        var copy = resource
        rewriteChildren(of: &copy, contextID: contextID)
        return copy
    }

    private func rewriteChildren(of node: inout FHIRElement, contextID: Int) {
        let context = catalogue.contexts[contextID]
        for index in node.children.indices {
            guard let member = context.member(named: node.children[index].name) else { continue }
            switch member.valueType {
            case .resource:
                if let type = node.children[index].resourceType, let inner = catalogue.resourceContextID(forName: type) {
                    rewriteChildren(of: &node.children[index], contextID: inner)
                }
                continue
            case .primitive(let kind):
                if kind == .uri || kind == .url, let value = node.children[index].value, let target = targets[value] {
                    node.children[index].value = target
                } else if kind == .xhtml, let div = node.children[index].value {
                    node.children[index].value = rewriteNarrative(div)
                }
            case .complex:
                if member.typeName == "Reference",
                   let position = node.children[index].children.firstIndex(where: { $0.name == "reference" }),
                   let value = node.children[index].children[position].value, let target = targets[value] {
                    node.children[index].children[position].value = target
                }
            }
            if member.valueContextID >= 0 { rewriteChildren(of: &node.children[index], contextID: member.valueContextID) }
        }
    }

    /// Only quoted attribute values that are exactly an entry's fullUrl are replaced.
    private func rewriteNarrative(_ div: String) -> String {
        // Most narratives link to nothing: leave them without a search per entry. The searches
        // are on the UTF-8 bytes; Foundation's `contains` on String goes through NSString and
        // was 2% of a transaction's time in `gateway-bench http`.
        let bytes = div.utf8
        guard bytes.firstRange(of: "href=".utf8) != nil || bytes.firstRange(of: "src=".utf8) != nil else { return div }
        var result = div
        for (fullUrl, target) in targets where result.utf8.firstRange(of: fullUrl.utf8) != nil {
            for quote in ["\"", "'"] {
                for attribute in ["href=", "src="] {
                    result = result.replacingOccurrences(of: attribute + quote + fullUrl + quote, with: attribute + quote + target + quote)
                }
            }
        }
        return result
    }
}

import Foundation
