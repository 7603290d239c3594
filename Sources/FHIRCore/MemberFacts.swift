/// Every context's members as plain values in one buffer, for a reader's per-element path.
///
/// `ElementContext.Member` is a class; a reader that fetches one per element pays a retain and
/// a release for it, and for the `members` array on the way, and the optimizer does not remove
/// them (in the XML reader they were a fifth of the reading time). Here the facts a reader needs
/// to place an element are trivial values behind a pointer, and the names are `String`s a reader
/// copies into the node it makes anyway. Built once with the catalogue; never mutated, so it is
/// safe to share between threads.
///
/// `MemberFactTable` owns the memory; readers copy its `facts`, a trivial view, into their own
/// state and keep the table alive for the read.
public final class MemberFactTable: Sendable {
    public let facts: MemberFacts

    init(contexts: [ElementContext]) {
        facts = MemberFacts(contexts: contexts)
    }

    deinit {
        facts.deallocate()
    }
}

public struct MemberFacts: @unchecked Sendable {
    public struct Fact {
        public enum ValueKind: UInt8 { case primitive, complex, resource }

        /// Definition order in the context (choice members share it).
        public let position: Int32
        /// As `ElementContext.Member.valueContextID`.
        public let valueContextID: Int32
        /// The complex value's own context, or -1.
        public let childContextID: Int32
        public let max: Int32
        public let valueKind: ValueKind
        public let primitiveKind: PrimitiveKind
        public let form: FHIRElement.Form

        // `Form`'s static members are reached through an accessor in another module; these are not.
        @inlinable public var isList: Bool { form.rawValue & (1 << 1) != 0 }
        @inlinable public var isXHTML: Bool { form.rawValue & (1 << 4) != 0 }
        @inlinable public var isXMLAttribute: Bool { form.rawValue & (1 << 6) != 0 }
        /// `max` of `*`.
        @inlinable public var isUnbounded: Bool { max == .max }
    }

    @usableFromInline let facts: UnsafeMutableBufferPointer<Fact>
    @usableFromInline let names: UnsafeMutableBufferPointer<String>
    @usableFromInline let firstMember: UnsafeMutableBufferPointer<Int32>
    /// Each context's required positions (`ElementContext.required`), from
    /// `firstRequired[id]` to `firstRequired[id + 1]`.
    @usableFromInline let requiredPositions: UnsafeMutableBufferPointer<Int32>
    @usableFromInline let firstRequired: UnsafeMutableBufferPointer<Int32>

    fileprivate init(contexts: [ElementContext]) {
        let total = contexts.reduce(0) { $0 + $1.members.count }
        facts = .allocate(capacity: total)
        names = .allocate(capacity: total)
        firstMember = .allocate(capacity: contexts.count)
        requiredPositions = .allocate(capacity: contexts.reduce(0) { $0 + $1.required.count })
        firstRequired = .allocate(capacity: contexts.count + 1)
        var nextRequired = 0
        for context in contexts {
            firstRequired[context.id] = Int32(nextRequired)
            for required in context.required {
                requiredPositions[nextRequired] = required.position
                nextRequired += 1
            }
        }
        firstRequired[contexts.count] = Int32(nextRequired)
        var next = 0
        for context in contexts {
            firstMember[context.id] = Int32(next)
            for member in context.members {
                let (kind, primitive, child): (Fact.ValueKind, PrimitiveKind, Int32) = switch member.valueType {
                case .primitive(let primitive): (.primitive, primitive, -1)
                case .complex(let contextID): (.complex, .string, Int32(contextID))
                case .resource: (.resource, .string, -1)
                }
                facts.baseAddress!.advanced(by: next).initialize(to: Fact(
                    position: member.position, valueContextID: Int32(member.valueContextID), childContextID: child,
                    max: Int32(clamping: member.max), valueKind: kind, primitiveKind: primitive, form: member.form))
                names.baseAddress!.advanced(by: next).initialize(to: member.name)
                next += 1
            }
        }
    }

    fileprivate func deallocate() {
        names.baseAddress!.deinitialize(count: names.count)
        names.deallocate()
        facts.deallocate()
        firstMember.deallocate()
        requiredPositions.deallocate()
        firstRequired.deallocate()
    }

    /// The index, across all contexts, of member `memberIndex` of context `contextID`.
    @inlinable
    public func index(contextID: Int, memberIndex: Int) -> Int {
        Int(firstMember[contextID]) + memberIndex
    }

    @inlinable
    public subscript(index: Int) -> Fact { facts[index] }

    /// The positions a context requires, in the order of `ElementContext.required`.
    @inlinable
    public func requiredPositions(contextID: Int) -> UnsafeMutableBufferPointer<Int32>.SubSequence {
        requiredPositions[Int(firstRequired[contextID])..<Int(firstRequired[contextID + 1])]
    }

    /// The member's name, for the node a reader makes.
    @inlinable
    public func name(_ index: Int) -> String { names[index] }
}
