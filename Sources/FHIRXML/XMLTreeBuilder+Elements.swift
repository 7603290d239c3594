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
    mutating func isFHIR(_ namespace: UnsafeRawPointer?) -> Bool {
        XMLNamespace.matches(namespace, XMLNamespace.fhir, cache: &fhirNamespace)
    }

    mutating func isXHTML(_ namespace: UnsafeRawPointer?) -> Bool {
        XMLNamespace.matches(namespace, XMLNamespace.xhtml, cache: &xhtmlNamespace)
    }

    /// libxml2 reports a start tag with its cursor on the tag's `>` or on the `/` of `/>`.
    func isEmptyElement() -> Bool {
        let offset = currentOffset()
        return offset < input.count && input[offset] == UInt8(ascii: "/")
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
        frames.append(Frame(
            kind: .resource(contextID: contextID), node: FHIRElement(name: typeName, resourceType: typeName),
            childBase: scratch.count, position: 0, start: currentOffset(), pathPushed: true))
        rejectAttributes(attributes, allowSchemaLocation: true)
    }

    mutating func startChild(of parent: Int, name: UnsafeRawBufferPointer, namespace: UnsafeRawPointer?, attributes: AttributeList) {
        let contextID: Int
        switch frames[parent].kind {
        case .skip:
            pushSkip()
            return
        case .unknown:
            startUnknown(name: name, attributes: attributes)
            return
        case .container:
            startContainedResource(in: parent, name: name, namespace: namespace, attributes: attributes)
            return
        case .resource(let id), .complex(let id), .primitive(let id):
            contextID = id
        }
        if frames[parent].containerState == .closed {
            error(.structure, "a resource container holds exactly one resource")
            pushSkip()
            return
        }
        let context = contexts[contextID]
        guard let memberIndex = context.memberIndex(forKey: name, hash: NameTable.hash(name)),
              !context.members[memberIndex].form.contains(.xmlAttribute)
        else {
            guard isFHIR(namespace) else {
                error(.structure, "an element that is not in the FHIR namespace", child: displayableName(name))
                pushSkip()
                return
            }
            unknownElement(name: name, attributes: attributes)
            return
        }
        let member = context.members[memberIndex]
        guard member.form.contains(.xhtml) ? isXHTML(namespace) : isFHIR(namespace) else {
            error(.structure, member.form.contains(.xhtml)
                    ? "the narrative div must be in the XHTML namespace http://www.w3.org/1999/xhtml"
                    : "an element that is not in the FHIR namespace", child: member.pathName)
            pushSkip()
            return
        }
        guard checkOrder(parent: parent, memberIndex: memberIndex, member: member) else {
            pushSkip()
            return
        }
        let index = member.isList ? frames[parent].repeatCount : -1
        path.push(contextID: contextID, memberIndex: memberIndex, index: index)

        switch member.valueType {
        case .primitive(let kind):
            if member.form.contains(.xhtml) {
                startXHTML(member: member, attributes: attributes)
                return
            }
            startPrimitive(member: member, kind: kind, attributes: attributes)
        case .complex(let childContext):
            frames.append(Frame(kind: .complex(contextID: childContext), node: FHIRElement(name: member.name, form: member.form),
                                childBase: scratch.count, position: member.position, start: currentOffset(), pathPushed: true))
            readMemberAttributes(attributes, contextID: childContext)
        case .resource:
            var frame = Frame(kind: .container, node: FHIRElement(name: member.name, form: member.form),
                              childBase: scratch.count, position: member.position, start: currentOffset(), pathPushed: true)
            frame.containerState = .awaiting
            frames.append(frame)
            rejectAttributes(attributes, allowSchemaLocation: false)
        }
    }

    /// XML must follow definition order, a repeating element's items stand together, and an
    /// element that does not repeat appears once. `false` when the element is not kept.
    private mutating func checkOrder(parent: Int, memberIndex: Int, member: ElementContext.Member) -> Bool {
        if memberIndex == frames[parent].lastMemberIndex {
            frames[parent].repeatCount += 1
            guard member.isList else {
                error(.structure, "appears more than once; it has at most one value", child: member.pathName)
                return false
            }
            if member.max != Int.max && frames[parent].repeatCount + 1 > member.max {
                error(.structure, "has more than the \(member.max) values allowed", child: member.pathName)
            }
            return true
        }
        if member.position < frames[parent].lastPosition {
            error(.structure, "out of order: FHIR XML elements follow definition order", child: member.pathName)
        } else if member.position == frames[parent].lastPosition {
            error(.structure, member.isChoice ? "only one type of \(member.pathName)[x] may be present"
                                              : "a repeating element's items must stand together", child: member.pathName)
            return false
        }
        frames[parent].lastMemberIndex = memberIndex
        frames[parent].lastPosition = member.position
        frames[parent].repeatCount = 0
        return true
    }

    private mutating func startPrimitive(member: ElementContext.Member, kind: PrimitiveKind, attributes: AttributeList) {
        let primitiveContext = member.valueContextID
        if attributes.count == 1 && attributes.isValue(0) && isEmptyElement() {
            // `<given value="..."/>`, most of FHIR XML: no frame, the node goes straight to its parent.
            emptyPrimitivePending = true
            guard checkLength(attributes.rawValue(0)) else { return }
            let (problem, text) = attributes.withValue(0) { value in (kind.check(value), String(decoding: value, as: UTF8.self)) }
            if let problem {
                formatError(problem, kind)
                return
            }
            scratch.push(FHIRElement(name: member.name, value: text, form: member.form))
            positions.append(member.position)
            return
        }
        frames.append(Frame(kind: .primitive(contextID: primitiveContext), node: FHIRElement(name: member.name, form: member.form),
                            childBase: scratch.count, position: member.position, start: currentOffset(), pathPushed: true))
        let top = frames.count - 1
        for index in 0..<attributes.count {
            if attributes.isValue(index) {
                guard checkLength(attributes.rawValue(index)) else { return }
                let (problem, text) = attributes.withValue(index) { value in
                    (kind.check(value), String(decoding: value, as: UTF8.self))
                }
                if let problem {
                    formatError(problem, kind)
                    frames[top].valueRefused = true
                } else {
                    frames[top].node.value = text
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
        frames[parent].node.resourceType = contexts[contextID].path
        frames[parent].containerState = .inside
        rejectAttributes(attributes, allowSchemaLocation: false)
    }

    /// Attributes of a complex element: those its context writes as attributes (`id`, `url`).
    private mutating func readMemberAttributes(_ attributes: AttributeList, contextID: Int) {
        for index in 0..<attributes.count { readAttribute(attributes, index, contextID: contextID) }
    }

    private mutating func readAttribute(_ attributes: AttributeList, _ index: Int, contextID: Int) {
        let name = attributes.localName(index)
        let context = contexts[contextID]
        guard attributes.namespace(index) == nil,
              let memberIndex = context.memberIndex(forKey: name, hash: NameTable.hash(name)),
              context.members[memberIndex].form.contains(.xmlAttribute),
              case .primitive(let kind) = context.members[memberIndex].valueType
        else {
            error(.structure, "an attribute FHIR does not define here", child: "@" + displayableName(name))
            return
        }
        let member = context.members[memberIndex]
        guard checkLength(attributes.rawValue(index)) else { return }
        let (problem, text) = attributes.withValue(index) { value in
            (kind.check(value), String(decoding: value, as: UTF8.self))
        }
        if let problem {
            formatError(problem, kind, child: member.pathName)
            return
        }
        scratch.push(FHIRElement(name: member.name, value: text, form: member.form))
        positions.append(member.position)
    }

    mutating func rejectAttributes(_ attributes: AttributeList, allowSchemaLocation: Bool) {
        for index in 0..<attributes.count {
            if allowSchemaLocation, let namespace = attributes.namespace(index),
               namespace.elementsEqual(XMLNamespace.schemaInstance) { continue }
            error(.structure, "an attribute FHIR does not define here", child: "@" + displayableName(attributes.localName(index)))
        }
    }

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
        frames.append(Frame(kind: .skip, node: FHIRElement(name: ""), childBase: scratch.count, position: .max,
                            start: 0, pathPushed: false))
    }

    /// Closes an element: checks what needs the whole element, moves its children into the
    /// node in definition order, and hands the node to its parent.
    mutating func finishFrame(_ frame: consuming Frame) {
        switch frame.kind {
        case .skip:
            if frame.pathPushed { path.pop() }
            return
        case .container:
            error(.required, "a resource container holds no resource")
        case .primitive:
            if frame.node.value == nil && scratch.count == frame.childBase && !frame.valueRefused {
                record(.error, .required, "a primitive element needs a value attribute or an extension",
                       at: tagStart(before: frame.start))
            }
        case .resource(let contextID), .complex(let contextID):
            let slots = frame.childBase..<positions.count
            for (requiredPosition, pathName) in contexts[contextID].required where !positions[slots].contains(requiredPosition) {
                record(.error, .required, "missing required element '\(pathName)'", at: tagStart(before: frame.start),
                       child: pathName)
            }
        case .unknown:
            break
        }
        var sorted = true
        var previous: Int32 = .min
        for slot in frame.childBase..<positions.count {
            if positions[slot] < previous { sorted = false; break }
            previous = positions[slot]
        }
        var permutation: [Int]?
        if !sorted {
            // Attributes (`url` of Extension) are read before child elements that precede them.
            let base = frame.childBase
            permutation = (0..<(positions.count - base)).sorted { (positions[base + $0], $0) < (positions[base + $1], $1) }
        }
        if positions.count > frame.childBase {
            frame.node.children = scratch.popArray(from: frame.childBase, permutation: permutation)
            positions.removeSubrange(frame.childBase...)
        }
        if frame.pathPushed { path.pop() }
        let position = frame.position
        if frames.isEmpty {
            root = frame.node
        } else {
            scratch.push(frame.node)
            positions.append(position)
        }
    }
}
