import FHIRCore

/// Puts the server's `id` and `meta.versionId`/`meta.lastUpdated` into a resource before it is
/// stored, keeping the rest of `meta` (profiles, security labels, tags) as the sender wrote it.
/// Children stay in definition order, which the writers rely on.
enum ResourceStamp {
    static func stamp(_ resource: FHIRElement, id: String, versionId: Int, lastUpdated: String) -> FHIRElement {
        var stamped = resource
        stamped.children.removeAll { $0.name == "id" || $0.name == "meta" }
        var meta = resource.child("meta") ?? FHIRElement(name: "meta")
        meta.children.removeAll { $0.name == "versionId" || $0.name == "lastUpdated" }
        // Meta: id, extension, versionId, lastUpdated, source, profile, security, tag.
        let insertAt = meta.children.firstIndex { $0.name != "id" && $0.name != "extension" } ?? meta.children.count
        meta.children.insert(contentsOf: [
            FHIRElement(name: "versionId", value: String(versionId), form: .primitive),
            FHIRElement(name: "lastUpdated", value: lastUpdated, form: .primitive),
        ], at: insertAt)
        stamped.children.insert(contentsOf: [FHIRElement(name: "id", value: id, form: .primitive), meta], at: 0)
        return stamped
    }
}
