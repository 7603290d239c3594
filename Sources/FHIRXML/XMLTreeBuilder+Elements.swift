import FHIRCore
import Foundation

/// Namespaces FHIR XML uses (xml.html §2.5.1, narrative.html §2.4).
enum XMLNamespace {
    static let fhir = Array("http://hl7.org/fhir".utf8)
    static let xhtml = Array("http://www.w3.org/1999/xhtml".utf8)
    static let schemaInstance = Array("http://www.w3.org/2001/XMLSchema-instance".utf8)

    /// Compares pointers first: libxml2 hands the same interned string for every use of a namespace.
    static func matches(_ namespace: UnsafeRawPointer?, _ expected: [UInt8], cache: inout UnsafeRawPointer?) -> Bool {
        guard let namespace else { return false }
        if namespace == cache { return true }
        guard matches(namespace, expected) else { return false }
        cache = namespace
        return true
    }

    static func matches(_ namespace: UnsafeRawPointer?, _ expected: [UInt8]) -> Bool {
        guard let namespace else { return false }
        let count = strlen(namespace.assumingMemoryBound(to: CChar.self))
        return UnsafeRawBufferPointer(start: namespace, count: count).elementsEqual(expected)
    }
}

extension XMLTreeBuilder {
    @inline(__always)
    mutating func isFHIR(_ namespace: UnsafeRawPointer?) -> Bool {
        XMLNamespace.matches(namespace, XMLNamespace.fhir, cache: &fhirNamespace)
    }

    @inline(__always)
    mutating func isXHTML(_ namespace: UnsafeRawPointer?) -> Bool {
        XMLNamespace.matches(namespace, XMLNamespace.xhtml, cache: &xhtmlNamespace)
    }

    func currentOffset() -> Int {
        parser.map(SAXDriver.consumedBytes) ?? 0
    }

    mutating func startRoot(name: UnsafeRawBufferPointer, namespace: UnsafeRawPointer?, attributes: AttributeList) {
        guard isFHIR(namespace) else {
            fatal(.structure, "the root element is not in the FHIR namespace http://hl7.org/fhir")
            return
        }
        guard let contextID = catalogue.resourceContextID(forName: name) else {
            let isType = catalogue.types[String(decoding: name, as: UTF8.self)] != nil
            fatal(.notSupported, isType ? "the root element names an abstract type or a data type, not a resource"
                                        : "the root element is not an R4 resource type")
            return
        }
        path.pushRoot(contextID: contextID)
        let typeName = contexts[contextID].path
        let slot = openNode(FHIRElement(name: typeName, resourceType: typeName), position: 0)
        frames.push(Frame(kind: .resource(contextID: contextID), nodeSlot: slot, start: currentOffset(), pathPushed: true))
        rejectAttributes(attributes, allowSchemaLocation: true)
    }

    /// Pushes an element's node where its children will follow it; returns its slot.
    mutating func openNode(_ node: consuming FHIRElement, position: Int32) -> Int {
        scratch.push(node)
        positions.push(position)
        return scratch.count - 1
    }

    mutating func startChild(of parent: Int, name: InternedName, namespace: UnsafeRawPointer?, attributes: AttributeList) {
        let contextID: Int
        switch frames[parent].kind {
        case .skip:
            pushSkip()
            return
        case .unknown:
            startUnknown(name: name.bytes, attributes: attributes)
            return
        case .container:
            startContainedResource(in: parent, name: name.bytes, namespace: namespace, attributes: attributes)
            return
        case .resource(let id), .complex(let id), .primitive(let id):
            contextID = id
        }
        if frames[parent].containerState == .closed {
            error(.structure, "a resource container holds exactly one resource")
            pushSkip()
            return
        }
        // An attribute's name (`id`, `url`) as an element is unknown content too.
        guard let resolved = member(named: name, contextID: contextID), !facts[Int(resolved.factIndex)].isXMLAttribute else {
            guard isFHIR(namespace) else {
                error(.structure, "an element that is not in the FHIR namespace", child: displayableName(name.bytes))
                pushSkip()
                return
            }
            unknownElement(name: name.bytes, attributes: attributes)
            return
        }
        let (memberIndex, factIndex) = (Int(resolved.memberIndex), Int(resolved.factIndex))
        let fact = facts[factIndex]
        guard fact.isXHTML ? isXHTML(namespace) : isFHIR(namespace) else {
            error(.structure, fact.isXHTML
                    ? "the narrative div must be in the XHTML namespace http://www.w3.org/1999/xhtml"
                    : "an element that is not in the FHIR namespace", child: member(contextID, memberIndex).pathName)
            pushSkip()
            return
        }
        guard checkOrder(parent: parent, contextID: contextID, memberIndex: memberIndex, fact: fact) else {
            pushSkip()
            return
        }
        let index = fact.isList ? frames[parent].repeatCount : -1
        path.push(contextID: contextID, memberIndex: memberIndex, index: index)

        switch fact.valueKind {
        case .primitive:
            if fact.isXHTML {
                startXHTML(member: member(contextID, memberIndex), attributes: attributes)
                return
            }
            startPrimitive(factIndex, fact, attributes: attributes)
        case .complex:
            let slot = openNode(FHIRElement(name: facts.name(factIndex), form: fact.form), position: fact.position)
            let childContext = Int(fact.childContextID)
            frames.push(Frame(kind: .complex(contextID: childContext), nodeSlot: slot, start: currentOffset(), pathPushed: true))
            readMemberAttributes(attributes, contextID: childContext)
        case .resource:
            let slot = openNode(FHIRElement(name: facts.name(factIndex), form: fact.form), position: fact.position)
            var frame = Frame(kind: .container, nodeSlot: slot, start: currentOffset(), pathPushed: true)
            frame.containerState = .awaiting
            frames.push(frame)
            rejectAttributes(attributes, allowSchemaLocation: false)
        }
    }

    /// The catalogue's member, for what only an issue or the narrative needs (its FHIRPath name).
    func member(_ contextID: Int, _ memberIndex: Int) -> ElementContext.Member {
        contexts[contextID].members[memberIndex]
    }

    /// The member an element name stands for in a context: libxml2 interns names per parse, so
    /// after the first lookup of a name in a context its pointer finds the member directly.
    private mutating func member(named name: InternedName, contextID: Int) -> ResolvedMember? {
        if let cached = memberCache.member(name: name.pointer, contextID: contextID) { return cached }
        let bytes = name.bytes
        guard let memberIndex = contexts[contextID].memberIndex(forKey: bytes, hash: NameTable.hash(bytes)) else {
            return nil
        }
        let factIndex = facts.index(contextID: contextID, memberIndex: memberIndex)
        let resolved = ResolvedMember(memberIndex: Int32(memberIndex), factIndex: Int32(factIndex))
        memberCache.insert(name: name.pointer, contextID: contextID, member: resolved)
        return resolved
    }

    /// XML must follow definition order, a repeating element's items stand together, and an
    /// element that does not repeat appears once. `false` when the element is not kept.
    private mutating func checkOrder(parent: Int, contextID: Int, memberIndex: Int, fact: MemberFacts.Fact) -> Bool {
        if memberIndex == frames[parent].lastMemberIndex {
            frames[parent].repeatCount += 1
            guard fact.isList else {
                error(.structure, "appears more than once; it has at most one value", child: member(contextID, memberIndex).pathName)
                return false
            }
            if !fact.isUnbounded && frames[parent].repeatCount + 1 > Int(fact.max) {
                // Kept, as every item is: a lenient read loses nothing (`ReadMode.lenient`).
                record(mode.occurrenceSeverity, .structure, OccurrenceFinding.tooMany(max: Int(fact.max)), at: tagStart(),
                       child: member(contextID, memberIndex).pathName)
            }
            return true
        }
        if fact.position < frames[parent].lastPosition {
            error(.structure, "out of order: FHIR XML elements follow definition order", child: member(contextID, memberIndex).pathName)
        } else if fact.position == frames[parent].lastPosition {
            let member = member(contextID, memberIndex)
            error(.structure, member.isChoice ? "only one type of \(member.pathName)[x] may be present"
                                              : "a repeating element's items must stand together", child: member.pathName)
            return false
        }
        frames[parent].lastMemberIndex = memberIndex
        frames[parent].lastPosition = fact.position
        frames[parent].repeatCount = 0
        return true
    }

    private mutating func startPrimitive(_ factIndex: Int, _ fact: MemberFacts.Fact, attributes: AttributeList) {
        let primitiveContext = Int(fact.valueContextID)
        let kind = fact.primitiveKind
        if attributes.count == 1 && attributes.isValue(0, cache: &valueAttributeName) {
            // The usual case, `<given value="..."/>`: a node with its value and no frame, unless
            // a child element follows (see `openPrimitive`).
            guard checkLength(attributes.rawValue(0)) else { return }
            let (problem, text) = value(of: attributes, 0, as: kind)
            if problem == nil {
                let slot = openNode(FHIRElement(name: facts.name(factIndex), value: text, form: fact.form), position: fact.position)
                openPrimitive = OpenPrimitive(nodeSlot: slot, contextID: primitiveContext)
                return
            }
        }
        let slot = openNode(FHIRElement(name: facts.name(factIndex), form: fact.form), position: fact.position)
        frames.push(Frame(kind: .primitive(contextID: primitiveContext), nodeSlot: slot, start: currentOffset(), pathPushed: true))
        let top = frames.count - 1
        for index in 0..<attributes.count {
            if attributes.isValue(index, cache: &valueAttributeName) {
                guard checkLength(attributes.rawValue(index)) else { return }
                let (problem, text) = value(of: attributes, index, as: kind)
                if let problem {
                    formatError(problem, kind)
                    frames[top].valueRefused = true
                } else {
                    scratch[slot].value = text
                }
            } else {
                readAttribute(attributes, index, contextID: primitiveContext)
            }
        }
    }

    private mutating func startContainedResource(
        in parent: Int, name: UnsafeRawBufferPointer, namespace: UnsafeRawPointer?, attributes: AttributeList
    ) {
        guard frames[parent].containerState == .awaiting else {
            error(.structure, "a resource container holds exactly one resource")
            pushSkip()
            return
        }
        guard isFHIR(namespace), let contextID = catalogue.resourceContextID(forName: name) else {
            error(.notSupported, "a resource container holds an element that is not an R4 resource type")
            pushSkip()
            return
        }
        frames[parent].kind = .resource(contextID: contextID)
        scratch[frames[parent].nodeSlot].resourceType = contexts[contextID].path
        frames[parent].containerState = .inside
        rejectAttributes(attributes, allowSchemaLocation: false)
    }

    /// Attributes of a complex element: those its context writes as attributes (`id`, `url`).
    private mutating func readMemberAttributes(_ attributes: AttributeList, contextID: Int) {
        for index in 0..<attributes.count { readAttribute(attributes, index, contextID: contextID) }
    }

    private mutating func readAttribute(_ attributes: AttributeList, _ index: Int, contextID: Int) {
        let name = attributes.localName(index)
        guard attributes.namespace(index) == nil,
              let memberIndex = contexts[contextID].memberIndex(forKey: name, hash: NameTable.hash(name))
        else {
            error(.structure, "an attribute FHIR does not define here", child: "@" + displayableName(name))
            return
        }
        let factIndex = facts.index(contextID: contextID, memberIndex: memberIndex)
        let fact = facts[factIndex]
        guard fact.isXMLAttribute, fact.valueKind == .primitive else {
            error(.structure, "an attribute FHIR does not define here", child: "@" + displayableName(name))
            return
        }
        guard checkLength(attributes.rawValue(index)) else { return }
        let kind = fact.primitiveKind
        let (problem, text) = value(of: attributes, index, as: kind)
        if let problem {
            formatError(problem, kind, child: member(contextID, memberIndex).pathName)
            return
        }
        scratch.push(FHIRElement(name: facts.name(factIndex), value: text, form: fact.form))
        positions.push(fact.position)
    }

    /// A primitive's value from attribute `index`, with what is wrong with it. Of a string or
    /// markdown only emptiness is checked here: the characters a FHIR string refuses (those
    /// below 0x20 but tab, LF and CR) are the ones XML 1.0 refuses, so libxml2 has refused them.
    private func value(of attributes: AttributeList, _ index: Int, as kind: PrimitiveKind) -> (FormatProblem?, String) {
        attributes.withValue(index) { value in
            let problem: FormatProblem? = switch kind {
            case .string, .markdown: value.isEmpty ? .empty : nil
            default: kind.check(value)
            }
            return (problem, String(decoding: value, as: UTF8.self))
        }
    }

    mutating func rejectAttributes(_ attributes: AttributeList, allowSchemaLocation: Bool) {
        for index in 0..<attributes.count {
            if allowSchemaLocation, let namespace = attributes.namespace(index),
               namespace.elementsEqual(XMLNamespace.schemaInstance) { continue }
            error(.structure, "an attribute FHIR does not define here", child: "@" + displayableName(attributes.localName(index)))
        }
    }

    @inline(__always)
    private mutating func checkLength(_ value: UnsafeRawBufferPointer) -> Bool {
        guard value.count <= limits.maxStringBytes else {
            fatal(.tooLong, "an attribute value is longer than the limit of \(limits.maxStringBytes) bytes")
            return false
        }
        return true
    }

    private mutating func formatError(_ problem: FormatProblem, _ kind: PrimitiveKind, child: String? = nil) {
        error(.value, problem.message(for: kind), child: child)
    }

    mutating func pushSkip() {
        frames.push(Frame(kind: .skip, nodeSlot: -1, start: 0, pathPushed: false))
    }

    /// Closes an element: checks what needs the whole element, and moves its children (the
    /// top of `scratch`) into its node in definition order.
    mutating func finishFrame(_ frame: Frame) {
        let slot = frame.nodeSlot
        switch frame.kind {
        case .skip:
            if frame.pathPushed { path.pop() }
            return
        case .container:
            error(.required, "a resource container holds no resource")
        case .primitive:
            // ele-1: an `id` attribute alone is not content; a value or an extension is.
            if !frame.valueRefused && scratch[slot].value == nil
                && !(frame.childBase..<scratch.count).contains(where: { scratch[$0].name == "extension" }) {
                record(.error, .required, "a primitive element needs a value attribute or an extension (ele-1)",
                       at: tagStart(before: frame.start))
            }
        case .resource(let contextID), .complex(let contextID):
            // ele-1: an element needs a value or children other than an id (`<address/>`, or one
            // holding only a comment, is nothing), as JSON refuses `{}`.
            if case .complex = frame.kind,
               !(frame.childBase..<scratch.count).contains(where: { scratch[$0].name != "id" }) {
                record(.error, .required, "an element needs a value or children (ele-1)", at: tagStart(before: frame.start))
            }
            for (offset, requiredPosition) in facts.requiredPositions(contextID: contextID).enumerated()
            where !positions.contains(requiredPosition, from: frame.childBase) {
                let pathName = contexts[contextID].required[offset].pathName
                record(mode.occurrenceSeverity, .required, OccurrenceFinding.missingRequired(pathName),
                       at: tagStart(before: frame.start), child: pathName)
            }
        case .unknown:
            break
        }
        let base = frame.childBase
        if positions.count > base {
            var sorted = true
            var previous: Int32 = .min
            for index in base..<positions.count {
                if positions[index] < previous { sorted = false; break }
                previous = positions[index]
            }
            // Attributes (`url` of Extension) are read before child elements that precede them.
            let permutation = sorted ? nil
                : (0..<(positions.count - base)).sorted { (positions[base + $0], $0) < (positions[base + $1], $1) }
            let children = scratch.popArray(from: base, permutation: permutation)
            scratch[slot].children = children
            positions.truncate(to: base)
        }
        if frame.pathPushed { path.pop() }
        if frames.isEmpty {
            root = scratch.popArray(from: slot).first
            positions.truncate(to: 0)
        }
    }
}
