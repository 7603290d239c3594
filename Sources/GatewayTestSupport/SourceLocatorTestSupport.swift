import FHIRCore

// This file is identical in FHIRJSONTests and FHIRXMLTests; keep the two copies the same.

/// Positions in test texts, worked out independently of the locators and of `SourceText`.
public enum LocatorText {
    /// The line and column (1-based, columns in Unicode scalars) of the `occurrence`-th `marker`.
    public static func location(of marker: String, in text: String, occurrence: Int = 1) -> SourceLocation {
        var searchStart = text.startIndex
        var found: Range<String.Index>?
        for _ in 0..<occurrence {
            found = text.range(of: marker, range: searchStart..<text.endIndex)
            guard let range = found else { return SourceLocation(line: 0, column: 0) }
            searchStart = text.index(after: range.lowerBound)
        }
        let before = text[..<found!.lowerBound].unicodeScalars
        let line = before.filter { $0 == "\n" }.count + 1
        let lineStart = before.lastIndex(of: "\n").map { before.index(after: $0) } ?? before.startIndex
        return SourceLocation(line: line, column: before[lineStart...].count + 1)
    }

    public static func starts(_ bytes: [UInt8], at offset: Int, with prefix: String) -> Bool {
        let prefix = Array(prefix.utf8)
        return offset + prefix.count <= bytes.count && Array(bytes[offset..<offset + prefix.count]) == prefix
    }

    /// Byte offsets back from lines and columns.
    public struct Offsets {
        let bytes: [UInt8]
        var lineStarts: [Int] = []

        public init(_ bytes: [UInt8]) {
            self.bytes = bytes
            let bom = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
            lineStarts.append(bom ? 3 : 0)
            for (index, byte) in bytes.enumerated() where byte == 0x0A { lineStarts.append(index + 1) }
        }

        public func offset(of location: SourceLocation) -> Int? {
            guard location.line >= 1, location.line <= lineStarts.count, location.column >= 1 else { return nil }
            var offset = lineStarts[location.line - 1]
            var column = 1
            while column < location.column {
                guard offset < bytes.count, bytes[offset] != 0x0A else { return nil }
                offset += 1
                while offset < bytes.count && bytes[offset] & 0xC0 == 0x80 { offset += 1 }
                column += 1
            }
            return offset < bytes.count ? offset : nil
        }
    }
}

/// Every element of a tree with the FHIRPath expression the validator would write for it
/// (`ValidationRun`: `name.ofType(Type)` for a choice, an index for a repeating element).
public enum LocatorExpressions {
    public struct Element {
        public var expression: String
        /// The expression without this element's own index: the JSON key, the first XML element.
        public var unindexed: String
        public var name: String
        public var index: Int?
        public var form: FHIRElement.Form
        public var parentName: String
        public var isRoot = false
    }

    public static func elements(of resource: FHIRElement, catalogue: TypeCatalogue = .r4) -> [Element] {
        let type = resource.resourceType ?? resource.name
        var elements = [Element(expression: type, unindexed: type, name: resource.name, form: resource.form,
                                parentName: "", isRoot: true)]
        visit(resource, contextID: catalogue.resourceContextID(forName: type), prefix: type, catalogue: catalogue, into: &elements)
        return elements
    }

    private static func visit(
        _ node: FHIRElement, contextID: Int?, prefix: String, catalogue: TypeCatalogue, into elements: inout [Element]
    ) {
        var occurrences: [String: Int] = [:]
        for child in node.children {
            let member = contextID.flatMap { catalogue.contexts[$0].member(named: child.name) }
            var segment = child.name
            if let member, member.isChoice { segment = "\(member.pathName).ofType(\(member.typeName))" }
            let unindexed = prefix + "." + segment
            var element = Element(expression: unindexed, unindexed: unindexed, name: child.name, form: child.form,
                                  parentName: node.name)
            if child.form.contains(.list) {
                let index = occurrences[child.name, default: 0]
                occurrences[child.name] = index + 1
                element.index = index
                element.expression += "[\(index)]"
            }
            elements.append(element)
            var next: Int?
            if let member {
                if case .resource = member.valueType {
                    next = child.resourceType.flatMap { catalogue.resourceContextID(forName: $0) }
                } else if member.valueContextID >= 0 {
                    next = member.valueContextID
                }
            }
            visit(child, contextID: next, prefix: element.expression, catalogue: catalogue, into: &elements)
        }
    }
}

/// A small deterministic generator, so a failing mutation can be replayed.
public struct LocatorRandom {
    public var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
