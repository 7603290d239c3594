import FHIRCore

/// The entries of one Bundle, by `fullUrl`, for resolving references made inside it
/// (bundle.html §2.36.4.1: a reference resolves to an entry whose `fullUrl` matches it).
struct BundleIndex {
    /// `transaction`, `batch`, `document`, ...
    let type: String?

    /// A class: every reference resolved in the Bundle hands one out, and a reference costs one
    /// retain where this struct of strings cost one for each of them.
    final class Entry {
        /// The position of the entry in `Bundle.entry`.
        let position: Int
        let fullUrl: String?
        let resourceType: String?
        let id: String?
        let versionId: String?
        /// `request.method`, for transactions and batches.
        let method: String?
        /// `[base]` when the fullUrl is RESTful (`[base]/[type]/[id]`), else `nil`.
        let restBase: Substring?

        init(
            position: Int, fullUrl: String?, resourceType: String?, id: String?, versionId: String?, method: String?,
            restBase: Substring?
        ) {
            self.position = position
            self.fullUrl = fullUrl
            self.resourceType = resourceType
            self.id = id
            self.versionId = versionId
            self.method = method
            self.restBase = restBase
        }
    }

    /// One per entry that holds a resource, in document order: the walk enters them in this order.
    private(set) var entries: [Entry] = []
    /// Version-independent fullUrl → indices into `entries`.
    private var byFullUrl: [String: [Int]] = [:]
    /// How many entry resources the walk has entered; `current` is the one being walked.
    private var entered = 0
    private(set) var current: Int?

    init(_ bundle: FHIRElement, catalogue: TypeCatalogue) {
        type = bundle.child("type")?.value
        for (position, entry) in bundle.children("entry").enumerated() {
            let fullUrl = entry.childValue("fullUrl")
            for resource in entry.children("resource") {
                let meta = resource.child("meta")
                let item = Entry(
                    position: position, fullUrl: fullUrl, resourceType: resource.resourceType,
                    id: resource.childValue("id"), versionId: meta?.childValue("versionId"),
                    method: entry.child("request")?.childValue("method"),
                    restBase: fullUrl.flatMap { Self.restfulParts($0, catalogue: catalogue)?.base })
                if let fullUrl { byFullUrl[fullUrl, default: []].append(entries.count) }
                entries.append(item)
            }
        }
    }

    /// Called by the walk as it enters an entry's resource, and as it leaves it.
    mutating func enterEntryResource() {
        current = entered < entries.count ? entered : nil
        entered += 1
    }

    mutating func leaveEntryResource() { current = nil }

    var currentEntry: Entry? { current.map { entries[$0] } }

    /// The entry's resource type for a `fullUrl` given as is (FHIRPath's `resolve()` does the same).
    func resourceType(forFullUrl fullUrl: String) -> String? {
        byFullUrl[fullUrl]?.first.flatMap { entries[$0].resourceType }
    }

    enum Match {
        case one(Entry)
        /// Several entries have the fullUrl (different versions), and the reference names no version.
        case several(resourceType: String?)
        case none
    }

    /// bundle.html §2.36.4.1: an absolute reference (URL or URN) is looked up among the fullUrls;
    /// a relative `[type]/[id]` is made absolute with the `[base]` of the referring entry's
    /// fullUrl when that fullUrl is RESTful, and cannot resolve in the Bundle otherwise; a
    /// version-specific reference (`…/_history/[vid]`) matches the fullUrl without the version
    /// and then `meta.versionId`. `nil`: the reference is not one the Bundle can resolve at all
    /// (relative, from an entry without a RESTful fullUrl, or a conditional reference).
    func match(_ reference: String, isRelative: Bool) -> Match? {
        var absolute: String
        if isRelative {
            guard let base = currentEntry?.restBase else { return nil }
            absolute = base + "/" + reference
        } else {
            absolute = reference
        }
        var version: Substring?
        if let range = Self.historySegment(in: absolute) {
            version = absolute[range.upperBound...]
            absolute = String(absolute[..<range.lowerBound])
        }
        guard var candidates = byFullUrl[absolute] else { return Match.none }
        if let version { candidates = candidates.filter { entries[$0].versionId.map { $0[...] } == version } }
        switch candidates.count {
        case 0: return Match.none
        case 1: return .one(entries[candidates[0]])
        default: return .several(resourceType: entries[candidates[0]].resourceType)
        }
    }

    /// `http://server/fhir/Patient/123` (optionally `/_history/[vid]`) → base `http://server/fhir`,
    /// type `Patient`, id `123`: the RESTful form of bundle.html §2.36.4 (a known resource type
    /// followed by something that can be an id, id.html: `[A-Za-z0-9\-\.]{1,64}`).
    static func restfulParts(_ url: String, catalogue: TypeCatalogue) -> (base: Substring, type: Substring, id: Substring)? {
        guard url.hasPrefix("http://") || url.hasPrefix("https://") else { return nil }
        var end = url.endIndex
        if let history = historySegment(in: url) { end = history.lowerBound }
        let path = url[..<end]
        guard let idSlash = path.lastIndex(of: "/") else { return nil }
        let id = path[path.index(after: idSlash)...]
        guard let typeSlash = path[..<idSlash].lastIndex(of: "/") else { return nil }
        let type = path[path.index(after: typeSlash)..<idSlash]
        guard isID(id), catalogue.resourceContextID(forName: String(type)) != nil else { return nil }
        return (path[..<typeSlash], type, id)
    }

    /// Where `/_history/` is in a URL, found on its UTF-8 bytes: this runs for every reference
    /// in a Bundle, and Foundation's `range(of:)` cost a sixth of all validation time (and a
    /// search through `String.UTF8View` still a fifth of the reference checks).
    static func historySegment(in url: String) -> Range<String.Index>? {
        var contiguous = url
        guard let offset = contiguous.withUTF8({ historyOffset(in: $0) }) else { return nil }
        let start = url.utf8.index(url.utf8.startIndex, offsetBy: offset)
        return start..<url.utf8.index(start, offsetBy: historyNeedle.count)
    }

    private static let historyNeedle = Array("/_history/".utf8)

    private static func historyOffset(in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let needle = historyNeedle
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if needle.indices.allSatisfy({ bytes[start + $0] == needle[$0] }) { return start }
        }
        return nil
    }

    static func isID(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy {
            ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x61 && $0 <= 0x7A) || $0 == 0x2D || $0 == 0x2E
        }
    }
}
