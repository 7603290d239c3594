import FHIRCore

/// The entries of one Bundle, by `fullUrl`, for resolving references made inside it
/// (bundle.html §2.36.4.1: a reference resolves to an entry whose `fullUrl` matches it).
struct BundleIndex {
    /// `transaction`, `batch`, `document`, ...
    let type: String?
    /// `fullUrl` → the entry's resource type.
    private(set) var resourceTypes: [String: String] = [:]

    init(_ bundle: FHIRElement) {
        type = bundle.child("type")?.value
        for entry in bundle.children("entry") {
            guard let fullUrl = entry.child("fullUrl")?.value,
                  let resourceType = entry.child("resource")?.resourceType
            else { continue }
            resourceTypes[fullUrl] = resourceType
        }
    }

    func resourceType(forFullUrl fullUrl: String) -> String? {
        resourceTypes[fullUrl]
    }
}
