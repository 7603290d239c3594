import FHIRCore

/// The XML reader's position as a FHIRPath, kept like `PathStack` (plain integers, rendered only
/// for an issue) but on a `TrivialStack`, since the reader pushes and pops it once per element.
struct XMLPath: ~Copyable {
    /// As `PathStack.Segment`, which is built only to render (its initialiser is in another module).
    /// Not private: a private type in a `TrivialStack` crashed the Swift 6.3 compiler in debug builds.
    struct Segment {
        var contextID: Int32
        var memberIndex: Int32
        var index: Int32
    }

    private var segments = TrivialStack<Segment>()

    var isEmpty: Bool { segments.isEmpty }

    @inline(__always)
    mutating func pushRoot(contextID: Int) {
        segments.push(Segment(contextID: Int32(contextID), memberIndex: -1, index: -1))
    }

    @inline(__always)
    mutating func push(contextID: Int, memberIndex: Int, index: Int) {
        segments.push(Segment(contextID: Int32(contextID), memberIndex: Int32(memberIndex), index: Int32(index)))
    }

    @inline(__always)
    mutating func pop() {
        _ = segments.removeLast()
    }

    func expression(in catalogue: TypeCatalogue, appending child: String? = nil) -> String {
        let rendered = (0..<segments.count).map { offset in
            let segment = segments[offset]
            return segment.memberIndex < 0
                ? PathStack.Segment(root: Int(segment.contextID))
                : PathStack.Segment(contextID: Int(segment.contextID), memberIndex: Int(segment.memberIndex), index: Int(segment.index))
        }
        return PathStack(rendered).expression(in: catalogue, appending: child)
    }
}
