import FHIRCore

/// Bundle rules beyond the `bdl-*` invariants (bundle.html §2.36.4, http.html §3.1.0.11):
/// `fullUrl` unique outside history bundles, absolute and consistent with the resource's id,
/// one resource per type and id, transaction and batch entries carrying a request whose URL fits
/// its method, batch entries not referring to each other, paging links and search results.
extension ValidationRun {
    mutating func enterBundle(_ bundle: FHIRElement) {
        let index = BundleIndex(bundle, catalogue: catalogue)
        bundles.append(index)
        let isRequestBundle = index.type == "transaction" || index.type == "batch"

        var seen: Set<String> = []
        for (position, entry) in bundle.children("entry").enumerated() {
            if let fullUrl = entry.childValue("fullUrl"), index.type != "history" {
                let versioned = fullUrl + "|" + (entry.child("resource")?.child("meta")?.childValue("versionId") ?? "")
                if !seen.insert(versioned).inserted {
                    report(.error, .duplicate, "another entry has the same fullUrl",
                           child: "entry[\(position)].fullUrl")
                }
            }
            if isRequestBundle, let request = entry.child("request") {
                checkRequest(request, entry: entry, position: position)
            }
        }
        checkFullUrls(index)
        checkLinks(bundle)
        if index.type == "searchset" { checkSearchResults(bundle) }
    }

    /// bundle.html §2.36.4: "fullUrl ... SHALL be an absolute URI" (a `urn:uuid:`/`urn:oid:`
    /// or a URL) and "SHALL NOT disagree with the id in the resource": a RESTful fullUrl
    /// (`[base]/[type]/[id]`) ends with the entry resource's type and id, and the resource has
    /// that id (a POST may leave the id to the server). Outside history Bundles, each resource
    /// appears once: two entries with the same type, id and version under the same base (but
    /// not the same fullUrl, which bdl-7 reports) are the same resource twice.
    private mutating func checkFullUrls(_ index: BundleIndex) {
        var identities: [String: String?] = [:]
        for entry in index.entries {
            guard let fullUrl = entry.fullUrl else { continue }
            // Made only for a finding: interpolating it for every entry was a tenth of enterBundle.
            var at: String { "entry[\(entry.position)].fullUrl" }
            if !ReferenceResolution.hasScheme(fullUrl) {
                report(.error, .value, "fullUrl must be an absolute URI (bundle.html §2.36.4)", child: at)
                continue
            }
            if entry.restBase != nil, let parts = BundleIndex.restfulParts(fullUrl, catalogue: catalogue) {
                if let id = entry.id {
                    if parts.type != entry.resourceType ?? "" || parts.id != id {
                        report(.error, .value,
                               "fullUrl is a RESTful URL ([base]/[type]/[id]) that does not end with the resource's type and id",
                               child: at)
                    }
                } else if entry.method != "POST" {
                    report(.error, .value, "fullUrl is a RESTful URL ([base]/[type]/[id]) but the resource has no id",
                           child: at)
                }
            }
            guard index.type != "history", let type = entry.resourceType, let id = entry.id else { continue }
            let identity = type + "/" + id + "|" + (entry.versionId ?? "") + "|" + (entry.restBase ?? "")
            if let other = identities[identity] {
                if other != fullUrl {
                    report(.error, .duplicate, "another entry holds a \(type) with the same id",
                           child: "entry[\(entry.position)].resource.id")
                }
            } else {
                identities[identity] = fullUrl
            }
        }
    }

    /// The paging links of a Bundle (`self`, `first`, `previous`, `next`, `last`; http.html
    /// §3.1.0.9 and search.html "Paging") each name one page: a relation occurs at most once.
    private mutating func checkLinks(_ bundle: FHIRElement) {
        guard bundle.child("link") != nil else { return }
        var seen: Set<String> = []
        for (position, link) in bundle.children("link").enumerated() {
            guard let relation = link.child("relation")?.value, Self.pagingRelations.contains(relation) else { continue }
            if !seen.insert(relation).inserted {
                report(.error, .value, "the link relation \(relation) may occur only once", child: "link[\(position)]")
            }
        }
    }

    static let pagingRelations: Set<String> = ["self", "first", "previous", "prev", "next", "last"]

    /// Search results (search.html §3.1.1.4, bundle.html `Bundle.entry.search.mode`): an entry
    /// in `outcome` mode is an OperationOutcome; `match` and `include` entries are resources on the
    /// server, which have ids; `match` entries are of a type the search (the `self` link) asked for.
    private mutating func checkSearchResults(_ bundle: FHIRElement) {
        let selfLink = bundle.children("link").first { $0.child("relation")?.value == "self" }?.child("url")?.value
        let searched = selfLink.map { Self.searchedTypes($0, catalogue: catalogue) } ?? []
        for (position, entry) in bundle.children("entry").enumerated() {
            guard let resource = entry.child("resource"), let type = resource.resourceType else { continue }
            let at = "entry[\(position)].resource"
            let mode = entry.child("search")?.child("mode")?.value
            if mode == "outcome" {
                if type != "OperationOutcome" {
                    report(.error, .value, "an entry in search mode outcome must be an OperationOutcome, not a \(type)", child: at)
                }
                continue
            }
            if mode == "match" || mode == "include", resource.child("id") == nil {
                report(.error, .required, "search results must have ids", child: at)
            }
            if mode == "match", !searched.isEmpty, !searched.contains(type) {
                report(.error, .value,
                       "a \(type) is not a match for a search of \(searched.joined(separator: ", "))", child: at)
            }
        }
    }

    /// `[base]/Patient?name=x` → `Patient`; `[base]?_type=Observation,DocumentReference` → both.
    static func searchedTypes(_ url: String, catalogue: TypeCatalogue) -> [String] {
        let parts = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        if let last = parts[0].split(separator: "/").last, catalogue.resourceContextID(forName: String(last)) != nil {
            return [String(last)]
        }
        guard parts.count > 1 else { return [] }
        for parameter in parts[1].split(separator: "&") where parameter.hasPrefix("_type=") {
            return parameter.dropFirst("_type=".count).split(separator: ",").map(String.init)
                .filter { catalogue.resourceContextID(forName: $0) != nil }
        }
        return []
    }

    private mutating func checkRequest(_ request: FHIRElement, entry: FHIRElement, position: Int) {
        guard let method = request.childValue("method"), let url = request.childValue("url") else { return }
        let resource = entry.child("resource")
        var at: String { "entry[\(position)].request" }  // made only for a finding
        switch method {
        case "POST":
            if resource == nil { report(.error, .required, "a POST entry needs a resource", child: at) }
            // The byte test first: most POST urls are a bare type, and `contains` on strings goes
            // through Foundation; any match of "/" or "/$" has a "/" byte.
            if url.utf8.contains(UInt8(ascii: "/")) && url.contains("/") && !url.hasPrefix("$") && !url.contains("/$") {
                report(.error, .value, "a POST entry's request.url is the resource type, not an id", child: at + ".url")
            }
        case "PUT":
            guard let resource else {
                report(.error, .required, "a PUT entry needs a resource", child: at)
                return
            }
            // `Patient/123`, `Patient?identifier=...`, or absolute: `https://host/fhir/Patient/123`.
            let target = url.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
            let segments = target[0].split(separator: "/")
            let isConditional = target.count > 1
            let type = isConditional ? segments.last : segments.dropLast().last
            if let type, let resourceType = resource.resourceType, String(type) != resourceType {
                report(.error, .value, "a PUT entry's request.url names another resource type", child: at + ".url")
            }
            if !isConditional, segments.count >= 2, let id = resource.child("id")?.value, id != String(segments.last!) {
                report(.error, .value, "a PUT entry's resource id differs from the id in request.url", child: at + ".url")
            }
        default:
            break
        }
    }
}
