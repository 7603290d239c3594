/// The FHIRPath of the reader's position, kept as segments and rendered only for an issue:
/// `Bundle.entry[2].resource.name[0].given[1]`, `Observation.value.ofType(Quantity)`.
struct PathStack {
    private struct Segment {
        var name: String
        var index: Int
        var ofType: String?
    }

    private var segments: [Segment] = []

    var isEmpty: Bool { segments.isEmpty }

    /// `index` is -1 for an element that does not repeat.
    mutating func push(_ name: String, index: Int = -1, ofType: String? = nil) {
        segments.append(Segment(name: name, index: index, ofType: ofType))
    }

    mutating func pop() {
        segments.removeLast()
    }

    mutating func setIndex(_ index: Int) {
        segments[segments.count - 1].index = index
    }

    func expression(appending child: String? = nil) -> String {
        var text = ""
        for segment in segments {
            if !text.isEmpty { text += "." }
            text += segment.name
            if let ofType = segment.ofType { text += ".ofType(\(ofType))" }
            if segment.index >= 0 { text += "[\(segment.index)]" }
        }
        if let child { text += text.isEmpty ? child : "." + child }
        return text
    }
}
