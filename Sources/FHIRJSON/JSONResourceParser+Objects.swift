import FHIRCore

/// One JSON object being read: where its children start on the parser's stacks, and what it
/// has seen.
struct ObjectState {
    /// Where this object's entries start in `scratch` and `positionStack` (kept in step).
    let childBase: Int
    let keyBase: Int
    /// A `_name` key was seen: only then can values already exist for a name.
    var sawExtensionKey = false
}

extension JSONResourceParser {
    /// Reads a resource object at `{`; `nil` (with an issue) when its type cannot be known.
    mutating func parseResource(name: String?, form: FHIRElement.Form) throws(ParseStop) -> FHIRElement? {
        let objectStart = position
        guard let contextID = try resolveResourceType() else {
            try skipValue()
            return nil
        }
        let typeName = contexts[contextID].path
        let isRoot = path.isEmpty
        if isRoot { path.pushRoot(contextID: contextID) }
        var node = FHIRElement(name: name ?? typeName, resourceType: typeName, form: form)
        try parseObject(contextID: contextID, into: &node, isResource: true, objectStart: objectStart)
        if isRoot { path.pop() }
        return node
    }

    /// Finds `resourceType` in the object at `{` without consuming it: usually the first key,
    /// but JSON key order is free, so it may be anywhere. Recoverable syntax problems met on
    /// the way are left for the real read to report, so they are reported once.
    private mutating func resolveResourceType() throws(ParseStop) -> Int? {
        let objectStart = position
        let savedDepth = depth
        let savedIssueCount = issues.count
        enum Lookup {
            case found(StringToken, valueOffset: Int)
            case notString(valueOffset: Int)
            case missing
        }
        var lookup = Lookup.missing
        try enterContainer()  // the object itself counts towards the depth limit
        position += 1
        while true {
            skipWhitespace()
            if current == UInt8(ascii: "}") || position >= input.count { break }
            let key = try readKey()
            let isTypeKey = !key.escaped && key.end - key.start == 12
                && UnsafeRawBufferPointer(rebasing: input[key.start..<key.end]).elementsEqual("resourceType".utf8)
            try expect(UInt8(ascii: ":"), "':' after a property name")
            skipWhitespace()
            if isTypeKey {
                let valueOffset = position
                lookup = current == UInt8(ascii: "\"")
                    ? .found(try readString(), valueOffset: valueOffset) : .notString(valueOffset: valueOffset)
                break
            }
            try skipValue()
            skipWhitespace()
            if current == UInt8(ascii: ",") { position += 1 }
        }
        issues.removeSubrange(savedIssueCount...)
        defer {
            position = objectStart
            depth = savedDepth
        }
        switch lookup {
        case .missing:
            try error(.required, "a resource must have a resourceType", at: objectStart)
            return nil
        case .notString(let valueOffset):
            try error(.structure, "resourceType must be a string", at: valueOffset, child: "resourceType")
            return nil
        case .found(let token, let valueOffset):
            if let contextID = unescapedOrInput(token, { catalogue.resourceContextID(forName: $0) }) {
                return contextID
            }
            let name = makeString(token)
            let isAbstract = catalogue.types[name].map { $0.kind == .resource } ?? false
            try error(
                .notSupported,
                isAbstract ? "resourceType names an abstract type" : "resourceType is not an R4 resource type",
                at: valueOffset, child: "resourceType")
            return nil
        }
    }

    func unescapedOrInput<R>(_ token: StringToken, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if token.escaped { return unescaped.withUnsafeBytes(body) }
        return body(UnsafeRawBufferPointer(rebasing: input[token.start..<token.end]))
    }

    /// Reads an object at `{` whose members are those of `contextID`, into `node.children`.
    mutating func parseObject(
        contextID: Int, into node: inout FHIRElement, isResource: Bool, objectStart: Int
    ) throws(ParseStop) {
        let context = contexts[contextID]
        guard try openContainer(isObject: true, at: objectStart) else { return }
        var state = ObjectState(childBase: scratch.count, keyBase: keyStack.count)
        while true {
            skipWhitespace()
            let keyOffset = position
            let keyToken = try readKey()
            var ownedKey: UnsafeMutableRawBufferPointer?
            if keyToken.escaped {
                // Escapes in a key are legal JSON, if odd; keep the decoded bytes for the lookup.
                ownedKey = .allocate(byteCount: unescaped.count, alignment: 1)
                unescaped.withUnsafeBytes { ownedKey!.copyMemory(from: $0) }
            }
            defer { ownedKey?.deallocate() }
            let key = ownedKey.map(UnsafeRawBufferPointer.init)
                ?? UnsafeRawBufferPointer(rebasing: input[keyToken.start..<keyToken.end])
            try expect(UInt8(ascii: ":"), "':' after a property name")
            skipWhitespace()
            try readMember(key: key, rawKey: keyToken, keyOffset: keyOffset, contextID: contextID,
                           context: context, isResource: isResource, state: &state)
            guard try continueAfterItem(inObject: true) else { break }
        }
        depth -= 1
        try finishObject(context: context, into: &node, state: state, objectStart: objectStart)
    }

    private mutating func readMember(
        key: UnsafeRawBufferPointer, rawKey: StringToken, keyOffset: Int, contextID: Int, context: ElementContext,
        isResource: Bool, state: inout ObjectState
    ) throws(ParseStop) {
        let isExtensionKey = key.count > 1 && key[0] == UInt8(ascii: "_")
        let name = isExtensionKey ? UnsafeRawBufferPointer(rebasing: key[1...]) : key
        let hash = NameTable.hash(name)
        let memberIndex = context.memberIndex(forKey: name, hash: hash)

        // Duplicate keys: JSON leaves them undefined, FHIR forbids them (json.html §2.6.2).
        for record in keyStack[state.keyBase...] where record.hash == hash && record.isExtensionKey == isExtensionKey {
            let same = record.member >= 0
                ? record.member == memberIndex ?? -1
                : record.start >= 0 && !rawKey.escaped
                    && UnsafeRawBufferPointer(rebasing: input[record.start..<record.start + record.count]).elementsEqual(key)
            if same {
                try error(.structure, "a property appears twice in one object", at: keyOffset, child: displayableName(key))
                try skipValue()
                return
            }
        }
        keyStack.append(KeyRecord(
            hash: hash, start: rawKey.escaped ? -1 : rawKey.start, count: key.count,
            member: memberIndex ?? -1, isExtensionKey: isExtensionKey))

        if isResource && !isExtensionKey && name.count == 12 && name.elementsEqual("resourceType".utf8) {
            try skipValue()  // read and checked by `resolveResourceType`
            return
        }
        guard let memberIndex else {
            try readUnknown(key: key, keyOffset: keyOffset, state: &state)
            return
        }
        let member = context.members[memberIndex]
        let site = MemberSite(contextID: contextID, memberIndex: memberIndex, member: member)
        if isExtensionKey {
            guard case .primitive(let kind) = member.valueType else {
                try readUnknown(key: key, keyOffset: keyOffset, state: &state)
                return
            }
            state.sawExtensionKey = true
            try readPrimitiveExtras(site, kind: kind, state: &state)
        } else {
            try readMemberValue(site, state: &state)
        }
    }

    /// A name the catalogue does not know: an error in strict mode, kept with a warning in
    /// lenient mode.
    private mutating func readUnknown(key: UnsafeRawBufferPointer, keyOffset: Int, state: inout ObjectState) throws(ParseStop) {
        let name = displayableName(key)
        switch mode {
        case .strict:
            try error(.structure, "unknown element '\(name)'", at: keyOffset, child: name)
            try skipValue()
        case .lenient:
            try report(.warning, .structure, "unknown element '\(name)' kept as read", at: keyOffset, child: name)
            try readUnknownValue(name: String(decoding: key, as: UTF8.self), form: .unknown, into: &state)
        }
    }

    /// The FHIRPath step for a member: `value.ofType(Quantity)` for a choice.
    func step(_ member: ElementContext.Member) -> String {
        member.isChoice ? "\(member.pathName).ofType(\(member.typeName))" : member.pathName
    }

    /// A choice element takes one type per object: a second type (`valueString` beside
    /// `valueBoolean`, or their `_` twins) is reported and its value skipped.
    private mutating func acceptsChoiceType(
        _ member: ElementContext.Member, state: ObjectState, at offset: Int
    ) throws(ParseStop) -> Bool {
        guard (state.childBase..<scratch.count).contains(where: {
            positionStack[$0] == member.position && scratch[$0].name != member.name
        }) else { return true }
        try error(.structure, "only one type of \(member.pathName)[x] may be present", at: offset, child: step(member))
        try skipValue()
        return false
    }

    private mutating func readMemberValue(_ site: MemberSite, state: inout ObjectState) throws(ParseStop) {
        let member = site.member
        let valueOffset = position
        if member.isChoice, !(try acceptsChoiceType(member, state: state, at: valueOffset)) { return }
        // Values may already exist when `_name` came before `name`.
        let twin = state.sawExtensionKey ? primitiveRun(named: member.name, from: state.childBase) : nil

        guard member.isList else {
            if current == UInt8(ascii: "[") {
                try error(.structure, "must not be an array: the element has at most one value", at: valueOffset, child: step(member))
                try skipValue()
                return
            }
            path.push(contextID: site.contextID, memberIndex: site.memberIndex)
            try readSingleValue(member: member, listIndex: 0, twin: twin, state: &state)
            path.pop()
            return
        }
        guard current == UInt8(ascii: "[") else {
            try error(.structure, "must be an array: the element repeats", at: valueOffset, child: step(member))
            try skipValue()
            return
        }
        guard try openContainer(isObject: false, at: valueOffset, child: step(member)) else { return }
        path.push(contextID: site.contextID, memberIndex: site.memberIndex, index: 0)
        var count = 0
        repeat {
            path.setIndex(count)
            skipWhitespace()
            try readSingleValue(member: member, listIndex: count, twin: twin, state: &state)
            count += 1
        } while try continueAfterItem(inObject: false)
        depth -= 1
        path.pop()
        if let twin, twin.count != count {
            try error(.structure, "\(member.name) and _\(member.name) must have the same number of items", at: valueOffset, child: step(member))
        }
        if member.max != Int.max && count > member.max {
            // Every item is kept, so a lenient read loses nothing (`ReadMode.lenient`).
            try report(mode.occurrenceSeverity, .structure, OccurrenceFinding.tooMany(max: member.max),
                       at: valueOffset, child: step(member))
        }
    }

    /// The nodes named `name` already in the object (made by a `_name` key that came first).
    private func primitiveRun(named name: String, from base: Int) -> Range<Int>? {
        guard let first = (base..<scratch.count).first(where: { scratch[$0].name == name }) else { return nil }
        var end = first + 1
        while end < scratch.count && scratch[end].name == name { end += 1 }
        return first..<end
    }

    private mutating func readSingleValue(
        member: ElementContext.Member, listIndex: Int, twin: Range<Int>?, state: inout ObjectState
    ) throws(ParseStop) {
        switch member.valueType {
        case .primitive(let kind):
            guard let value = try readPrimitive(member: member, kind: kind, state: &state) else { return }
            if let twin {
                if listIndex < twin.count { scratch[twin.lowerBound + listIndex].value = value }
                // A longer value array is reported once the array ends.
            } else {
                append(FHIRElement(name: member.name, value: value, form: member.form), at: member.position, to: &state)
            }
        case .complex(let contextID):
            let objectStart = position
            guard current == UInt8(ascii: "{") else {
                try error(.structure, "expected an object", at: objectStart)
                try skipValue()
                return
            }
            var node = FHIRElement(name: member.name, form: member.form)
            try parseObject(contextID: contextID, into: &node, isResource: false, objectStart: objectStart)
            append(consume node, at: member.position, to: &state)
        case .resource:
            guard current == UInt8(ascii: "{") else {
                try error(.structure, "expected a resource object", at: position)
                try skipValue()
                return
            }
            if let node = try parseResource(name: member.name, form: member.form) {
                append(node, at: member.position, to: &state)
            }
        }
    }

    /// Reads a primitive value; `.some(nil)` is a `null` placeholder in an array, `nil` an error.
    private mutating func readPrimitive(
        member: ElementContext.Member, kind: PrimitiveKind, state: inout ObjectState
    ) throws(ParseStop) -> String?? {
        let offset = position
        switch current {
        case UInt8(ascii: "\""):
            let token = try readString()
            guard member.form.isDisjoint(with: [.number, .boolean]) else {
                try error(.structure, "expected \(jsonDescription(member.form)), not a string", at: offset)
                return nil
            }
            if let problem = unescapedOrInput(token, kind.check) {
                try formatError(problem, kind, at: offset)
                return nil
            }
            return .some(makeString(token))
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            let range = try readNumber()
            let bytes = UnsafeRawBufferPointer(rebasing: input[range])
            guard member.form.contains(.number) else {
                try error(.structure, "expected \(jsonDescription(member.form)), not a number", at: offset)
                return nil
            }
            if let problem = kind.check(bytes) {
                try formatError(problem, kind, at: offset)
                return nil
            }
            return .some(String(decoding: bytes, as: UTF8.self))
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            try error(.structure, "expected \(jsonDescription(member.form)), not an object or array", at: offset)
            try skipValue()
            return nil
        default:
            let literal = try readLiteral()
            if literal == .bareword { return nil }
            if literal == .null {
                guard member.isList else {
                    try error(.structure, "null is only allowed inside arrays of primitive values", at: offset)
                    return nil
                }
                return .some(nil)
            }
            guard member.form.contains(.boolean) else {
                try error(.structure, "expected \(jsonDescription(member.form)), not true or false", at: offset)
                return nil
            }
            return .some(literal == .true ? "true" : "false")
        }
    }

    private func jsonDescription(_ form: FHIRElement.Form) -> String {
        form.contains(.number) ? "a JSON number" : form.contains(.boolean) ? "true or false" : "a JSON string"
    }

    private mutating func formatError(_ problem: FormatProblem, _ kind: PrimitiveKind, at offset: Int) throws(ParseStop) {
        try error(.value, problem.message(for: kind), at: offset)
    }

    /// `_name`: the `id` and `extension` of a primitive, or of each item of a primitive array.
    private mutating func readPrimitiveExtras(
        _ site: MemberSite, kind: PrimitiveKind, state: inout ObjectState
    ) throws(ParseStop) {
        let member = site.member
        let valueOffset = position
        if member.isChoice, !(try acceptsChoiceType(member, state: state, at: valueOffset)) { return }
        let primitiveContext = member.valueContextID
        let twin = primitiveRun(named: member.name, from: state.childBase)

        func readExtras(into index: Int, _ parser: inout JSONResourceParser, _ state: inout ObjectState) throws(ParseStop) {
            let objectStart = parser.position
            var holder = FHIRElement(name: member.name, form: member.form)
            if parser.current == UInt8(ascii: "{") {
                try parser.parseObject(contextID: primitiveContext, into: &holder, isResource: false, objectStart: objectStart)
            } else {
                try parser.error(.structure, "expected an object with id or extension", at: objectStart)
                try parser.skipValue()
            }
            if let twin {
                if index < twin.count { parser.scratch[twin.lowerBound + index].children = holder.children }
            } else {
                parser.append(holder, at: member.position, to: &state)
            }
        }

        guard member.isList else {
            if current == UInt8(ascii: "[") {
                try error(.structure, "must not be an array: the element has at most one value", at: valueOffset, child: "_" + member.name)
                try skipValue()
                return
            }
            path.push(contextID: site.contextID, memberIndex: site.memberIndex)
            try readExtras(into: 0, &self, &state)
            path.pop()
            return
        }
        guard current == UInt8(ascii: "[") else {
            try error(.structure, "must be an array: the element repeats", at: valueOffset, child: "_" + member.name)
            try skipValue()
            return
        }
        guard try openContainer(isObject: false, at: valueOffset, child: "_" + member.name) else { return }
        path.push(contextID: site.contextID, memberIndex: site.memberIndex, index: 0)
        var count = 0
        repeat {
            path.setIndex(count)
            skipWhitespace()
            if current == UInt8(ascii: "n") {
                _ = try readLiteral()
                if twin == nil { append(FHIRElement(name: member.name, form: member.form), at: member.position, to: &state) }
            } else {
                try readExtras(into: count, &self, &state)
            }
            count += 1
        } while try continueAfterItem(inObject: false)
        depth -= 1
        path.pop()
        if let twin, twin.count != count {
            try error(.structure, "\(member.name) and _\(member.name) must have the same number of items", at: valueOffset, child: "_" + member.name)
        }
    }

    mutating func append(_ node: consuming FHIRElement, at definitionPosition: Int32, to state: inout ObjectState) {
        scratch.push(node)
        positionStack.append(definitionPosition)
    }

    /// Checks what can only be checked once the whole object is read, then moves its children
    /// into `node` in definition order.
    private mutating func finishObject(
        context: ElementContext, into node: inout FHIRElement, state: consuming ObjectState, objectStart: Int
    ) throws(ParseStop) {
        let slots = state.childBase..<scratch.count
        // A primitive without a value needs an extension (ele-1: an `id` alone is not content),
        // whether it came as a `null` in an array or as `_name` with only an id.
        var index = -1
        var previousName = ""
        for slot in slots where scratch[slot].isPrimitive {
            index = scratch[slot].name == previousName ? index + 1 : 0
            previousName = scratch[slot].name
            guard scratch[slot].value == nil, !scratch[slot].children.contains(where: { $0.name == "extension" }) else { continue }
            let child = scratch[slot].form.contains(.list) ? "\(previousName)[\(index)]" : previousName
            if scratch[slot].children.isEmpty {
                try error(.structure, "a null value needs an id or extension at the same index of the _ array", at: objectStart, child: child)
            } else {
                try error(.required, "a primitive with only an id needs a value or an extension (ele-1)", at: objectStart, child: child)
            }
        }
        for (requiredPosition, pathName) in context.required
        where !positionStack[slots].contains(requiredPosition) {
            try report(mode.occurrenceSeverity, .required, OccurrenceFinding.missingRequired(pathName),
                       at: objectStart, child: pathName)
        }
        var sorted = true
        var previous: Int32 = .min
        for slot in slots {
            if positionStack[slot] < previous { sorted = false; break }
            previous = positionStack[slot]
        }
        var permutation: [Int]?
        if !sorted {
            // A stable sort keeps each repeating element's items in their order.
            let base = state.childBase
            permutation = (0..<slots.count).sorted {
                (positionStack[base + $0], $0) < (positionStack[base + $1], $1)
            }
        }
        node.children = scratch.popArray(from: state.childBase, permutation: permutation)
        positionStack.removeSubrange(slots)
        keyStack.removeSubrange(state.keyBase...)
    }
}

/// Where a member value sits: enough to name it in a FHIRPath without holding strings.
struct MemberSite {
    let contextID: Int
    let memberIndex: Int
    let member: ElementContext.Member
}
