import FHIRCore

/// Bundle rules beyond the `bdl-*` invariants (bundle.html §2.36.4, http.html §3.1.0.11):
/// `fullUrl` unique outside history bundles, transaction and batch entries carrying a request
/// whose URL fits its method, batch entries not referring to each other.
extension ValidationRun {
    mutating func enterBundle(_ bundle: FHIRElement) {
        let index = BundleIndex(bundle)
        bundles.append(index)
        let isRequestBundle = index.type == "transaction" || index.type == "batch"

        var seen: Set<String> = []
        for (position, entry) in bundle.children("entry").enumerated() {
            if let fullUrl = entry.child("fullUrl")?.value, index.type != "history" {
                let versioned = fullUrl + "|" + (entry.child("resource")?.child("meta")?.child("versionId")?.value ?? "")
                if !seen.insert(versioned).inserted {
                    report(.error, .duplicate, "another entry has the same fullUrl",
                           child: "entry[\(position)].fullUrl")
                }
            }
            if isRequestBundle, let request = entry.child("request") {
                checkRequest(request, entry: entry, position: position)
            }
        }
    }

    private mutating func checkRequest(_ request: FHIRElement, entry: FHIRElement, position: Int) {
        guard let method = request.child("method")?.value, let url = request.child("url")?.value else { return }
        let resource = entry.child("resource")
        let at = "entry[\(position)].request"
        switch method {
        case "POST":
            if resource == nil { report(.error, .required, "a POST entry needs a resource", child: at) }
            if url.contains("/") && !url.hasPrefix("$") && !url.contains("/$") {
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
