/// Shared by the JSON and XML readers (`package` access).
/// The FHIRPath of the reader's position, kept as plain integers (no strings to retain on the
/// hot path) and rendered only for an issue: `Bundle.entry[2].resource.name[0].given[1]`,
/// `Observation.value.ofType(Quantity)`.
package struct PathStack {
    package struct Segment: BitwiseCopyable {
        /// The context the member belongs to, or for a root, the resource's own context.
        var contextID: Int32
        /// The member of that context, or -1 for a root resource.
        var memberIndex: Int32
        /// The item of a repeating element, or -1.
        var index: Int32

        package init(root contextID: Int) {
            self.init(contextID: contextID, memberIndex: -1)
        }

        package init(contextID: Int, memberIndex: Int, index: Int = -1) {
            self.contextID = Int32(contextID)
            self.memberIndex = Int32(memberIndex)
            self.index = Int32(index)
        }
    }

    private var segments: [Segment] = []

    package init() {}

    /// A path kept elsewhere (the XML reader keeps its own stack), to render it.
    package init(_ segments: some Sequence<Segment>) {
        self.segments = Array(segments)
    }

    package var isEmpty: Bool { segments.isEmpty }

    package mutating func pushRoot(contextID: Int) {
        segments.append(Segment(root: contextID))
    }

    package mutating func push(contextID: Int, memberIndex: Int, index: Int = -1) {
        segments.append(Segment(contextID: contextID, memberIndex: memberIndex, index: index))
    }

    package mutating func pop() {
        segments.removeLast()
    }

    package mutating func setIndex(_ index: Int) {
        segments[segments.count - 1].index = Int32(index)
    }

    package func expression(in catalogue: TypeCatalogue, appending child: String? = nil) -> String {
        var text = ""
        for segment in segments {
            let context = catalogue.contexts[Int(segment.contextID)]
            if segment.memberIndex < 0 {
                text += context.path
            } else {
                let member = context.members[Int(segment.memberIndex)]
                text += "." + member.pathName
                if member.isChoice { text += ".ofType(\(member.typeName))" }
            }
            if segment.index >= 0 { text += "[\(segment.index)]" }
        }
        if let child { text += text.isEmpty ? child : "." + child }
        return text
    }
}
