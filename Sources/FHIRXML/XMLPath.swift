import FHIRCore

/// The XML reader's position as a FHIRPath, kept like `PathStack` (plain integers, rendered only
/// for an issue) but on a `TrivialStack`, since the reader pushes and pops it once per element.
struct XMLPath: ~Copyable {
    private var segments = TrivialStack<PathStack.Segment>()

    var isEmpty: Bool { segments.isEmpty }

    mutating func pushRoot(contextID: Int) {
        segments.push(PathStack.Segment(root: contextID))
    }

    mutating func push(contextID: Int, memberIndex: Int, index: Int) {
        segments.push(PathStack.Segment(contextID: contextID, memberIndex: memberIndex, index: index))
    }

    mutating func pop() {
        _ = segments.removeLast()
    }

    func expression(in catalogue: TypeCatalogue, appending child: String? = nil) -> String {
        PathStack((0..<segments.count).map { segments[$0] }).expression(in: catalogue, appending: child)
    }
}
