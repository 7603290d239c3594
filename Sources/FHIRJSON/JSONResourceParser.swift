import FHIRCore

/// Thrown internally to unwind after a syntax error or a limit: the issue is already recorded.
struct ParseStop: Error {}

/// The state of one JSON read: a cursor over the bytes, the issues so far, the FHIRPath of the
/// current position, and scratch stacks that let objects build their children without
/// allocating per member.
struct JSONResourceParser: ~Copyable {
    let input: UnsafeRawBufferPointer
    let catalogue: TypeCatalogue
    let contexts: [ElementContext]
    let mode: ReadMode
    let limits: ReadLimits

    var position = 0
    var depth = 0
    var issues: [Issue] = []
    var path = PathStack()
    var source: SourceText
    /// Nodes of the objects being read, innermost last (see `ElementScratch`).
    var scratch = ElementScratch()
    /// Definition-order position of each entry of `scratch`.
    var positionStack: [Int32] = []
    /// Keys seen in the objects being read, for duplicate detection.
    var keyStack: [KeyRecord] = []
    /// Unescaped string bytes when a string had escapes.
    var unescaped: [UInt8] = []

    struct KeyRecord {
        var hash: UInt32
        /// Offset of the raw key in the input, or -1 when it had escapes.
        var start: Int
        var count: Int
        /// The member it named, or -1 for an unknown name.
        var member: Int
        var isExtensionKey: Bool
    }

    init(input: UnsafeRawBufferPointer, catalogue: TypeCatalogue, mode: ReadMode, limits: ReadLimits) {
        self.input = input
        self.catalogue = catalogue
        self.contexts = catalogue.contexts
        self.mode = mode
        self.limits = limits
        self.source = SourceText(input)
        positionStack.reserveCapacity(256)
        keyStack.reserveCapacity(256)
    }

    mutating func parseDocument() -> ReadResult {
        var resource: FHIRElement?
        do throws(ParseStop) {
            guard input.count <= limits.maxDocumentBytes else {
                try fail(.tooLong, "the document is larger than the limit of \(limits.maxDocumentBytes) bytes", at: 0)
            }
            // A UTF-8 byte order mark is tolerated (FHIR-RULES.md).
            if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { position = 3 }
            skipWhitespace()
            guard position < input.count else {
                try fail(.structure, "the body is empty: a FHIR resource is a JSON object", at: position)
            }
            guard input[position] == UInt8(ascii: "{") else {
                try fail(.structure, "a FHIR resource must be a JSON object", at: position)
            }
            resource = try parseResource(name: nil, form: [])
            skipWhitespace()
            if position < input.count {
                try fail(.structure, "unexpected content after the end of the resource", at: position)
            }
        } catch {
            // The issue that stopped the read is recorded; nothing more can be read reliably.
        }
        return ReadResult(resource: issues.containsErrors ? nil : resource, issues: issues)
    }

    // MARK: issues

    mutating func report(
        _ severity: Issue.Severity, _ code: IssueType, _ message: String, at offset: Int, child: String? = nil
    ) throws(ParseStop) {
        record(severity, code, message, at: offset, child: child)
        if issues.count >= limits.maxIssues {
            issues.append(Issue(.fatal, .tooCostly, "stopped after \(limits.maxIssues) issues"))
            throw ParseStop()
        }
    }

    /// Records an issue where no throw is possible; the issue limit is enforced at the next `report`.
    mutating func record(
        _ severity: Issue.Severity, _ code: IssueType, _ message: String, at offset: Int, child: String? = nil
    ) {
        guard issues.count < limits.maxIssues else { return }
        let expression = path.isEmpty && child == nil ? nil : path.expression(in: catalogue, appending: child)
        issues.append(Issue(severity, code, message, expression: expression, location: source.location(ofOffset: offset)))
    }

    mutating func error(_ code: IssueType, _ message: String, at offset: Int, child: String? = nil) throws(ParseStop) {
        try report(.error, code, message, at: offset, child: child)
    }

    /// A fatal issue: reading cannot go on.
    mutating func fail(_ code: IssueType, _ message: String, at offset: Int) throws(ParseStop) -> Never {
        try report(.fatal, code, message, at: offset)
        throw ParseStop()
    }

    // MARK: cursor

    @inline(__always)
    var current: UInt8 { position < input.count ? input[position] : 0 }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < input.count {
            let byte = input[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
                // Indentation: eight spaces at a time, then straight to the first other byte
                // (where the byte loop goes on), instead of one space at a time.
                while position + 8 <= input.count {
                    let others = ByteChunks.bytesOtherThanSpace(ByteChunks.load(input, at: position))
                    if others != 0 {
                        position += ByteChunks.firstFlaggedByte(others)
                        break
                    }
                    position += 8
                }
            } else if byte == UInt8(ascii: "/") && skipComment() {
                continue
            } else {
                return
            }
        }
    }

    /// Comments are not JSON, but some exporters write them: report each one and read on, as
    /// the HL7 validator does, so one pass shows every problem. `false` when `/` starts no comment.
    @inline(never)
    mutating func skipComment() -> Bool {
        guard position + 1 < input.count else { return false }
        let start = position
        switch input[position + 1] {
        case UInt8(ascii: "/"):
            while position < input.count && input[position] != 0x0A { position += 1 }
        case UInt8(ascii: "*"):
            position += 2
            while position + 1 < input.count && !(input[position] == UInt8(ascii: "*") && input[position + 1] == UInt8(ascii: "/")) {
                position += 1
            }
            position = min(position + 2, input.count)
        default:
            return false
        }
        record(.error, .structure, "comments are not allowed in JSON", at: start)
        return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(ParseStop) {
        skipWhitespace()
        guard position < input.count else { try fail(.structure, "the document ends where \(what) was expected", at: position) }
        guard input[position] == byte else { try fail(.structure, "expected \(what)", at: position) }
        position += 1
    }

    /// Opens the object or array at the cursor; `false` (with an error) when it is empty, which
    /// FHIR forbids, in which case it has been read to its end.
    mutating func openContainer(isObject: Bool, at offset: Int, child: String? = nil) throws(ParseStop) -> Bool {
        try enterContainer()
        position += 1
        skipWhitespace()
        guard current == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) else { return true }
        position += 1
        depth -= 1
        try error(.structure, isObject ? "an object must not be empty" : "an array must not be empty", at: offset, child: child)
        return false
    }

    /// After a property or an array item: `true` when another follows, `false` once the closing
    /// bracket is read. A missing comma or an extra one before the bracket is reported and read
    /// past, as the HL7 validator does; anything else ends the read.
    mutating func continueAfterItem(inObject: Bool) throws(ParseStop) -> Bool {
        skipWhitespace()
        let close = inObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
        if current == UInt8(ascii: ",") {
            position += 1
            skipWhitespace()
            guard current == close else { return true }
            try error(.structure, inObject ? "an extra comma at the end of an object" : "an extra comma at the end of an array",
                      at: position)
            position += 1
            return false
        }
        if current == close {
            position += 1
            return false
        }
        if position >= input.count {
            try fail(.structure, inObject ? "the document ends inside an object" : "the document ends inside an array", at: position)
        }
        if inObject ? current == UInt8(ascii: "\"") || isNameByte(current) : atValueStart {
            try error(.structure, inObject ? "a comma is missing between two properties" : "a comma is missing between two array items",
                      at: position)
            return true
        }
        try fail(.structure, inObject ? "expected ',' or '}' after a property" : "expected ',' or ']' after an array item",
                 at: position)
    }

    mutating func enterContainer() throws(ParseStop) {
        depth += 1
        if depth > limits.maxDepth {
            try fail(.tooCostly, "objects and arrays are nested deeper than the limit of \(limits.maxDepth)", at: position)
        }
    }
}
