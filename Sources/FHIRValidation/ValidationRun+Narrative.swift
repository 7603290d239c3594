import FHIRCore

/// Narrative rules beyond the XHTML subset (narrative.html §2.4): `txt-2`, links to local
/// fragments, and hyperlinks that cannot be followed. Runs only on a `div` whose XHTML is valid.
extension ValidationRun {
    mutating func checkNarrativeContent(_ div: String) {
        let scan = NarrativeScan(div)
        if !scan.hasContent {
            report(.error, .invariant, "txt-2: " + Self.txt2Human)
        }
        for link in scan.fragmentLinks {
            // dom-3 (resource.html §2.36.0.1.2) counts `#id` in the narrative as a reference to
            // the contained resource.
            noteLocalReference(link)
            // A `#id` link points at a contained resource (references.html §2.3.0.4) or at an
            // element of the narrative itself; anything else is a link to nowhere.
            let id = link.dropFirst()
            if id.isEmpty || scan.anchors.contains(String(id)) { continue }
            let resolution = ReferenceResolution.resolve(link, resources: resources, bundle: nil, catalogue: catalogue)
            if resolution == .missingContained {
                report(.error, .value,
                       "a narrative link to a fragment (#) matches no contained resource and no element id in the narrative")
            }
        }
        // narrative.html §2.4: the narrative is a stand-alone human-readable document; a URN names
        // a resource but cannot be followed by a browser. Only in a transaction does the server
        // rewrite `urn:` links to entries into resolvable URLs (http.html §3.1.0.11.2).
        if scan.hasURNHyperlink, bundles.last?.type != "transaction" {
            report(.error, .value, "a narrative hyperlink uses the urn scheme, which is not a hyperlinkable scheme")
        }
    }

    static let txt2Human = TypeCatalogue.r4.types["Narrative"].flatMap { type in
        TypeCatalogue.r4.elements.first { $0.path == "Narrative.div" }?.constraints.first { $0.key == "txt-2" }?.human
    } ?? "The narrative SHALL have some non-whitespace content"
}
