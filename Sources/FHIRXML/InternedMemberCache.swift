/// A member an element name was resolved to: its index in its context and in `MemberFacts`.
struct ResolvedMember {
    let memberIndex: Int32
    let factIndex: Int32
}

/// Element names already resolved to members during one read, keyed by the pointer libxml2
/// interns each name under (one dictionary per parser context) and the context the name was
/// looked up in: a hit costs a pointer hash and two compares instead of hashing and comparing
/// the name's bytes. Only names that were found are kept; it stops growing at a ceiling, after
/// which lookups fall through to the catalogue as before.
struct InternedMemberCache: ~Copyable {
    /// 24 bytes, so the few hundred names of a document stay in the processor's nearest cache.
    private struct Entry {
        var name: UnsafeRawPointer?
        var contextID: Int32
        var member: ResolvedMember
    }

    private static let initialCapacity = 256
    private static let maximumCapacity = 16_384
    private var entries: UnsafeMutableBufferPointer<Entry>
    private var count = 0

    init() {
        entries = .allocate(capacity: Self.initialCapacity)
        entries.initialize(repeating: Entry(name: nil, contextID: 0, member: ResolvedMember(memberIndex: 0, factIndex: 0)))
    }

    deinit {
        entries.deallocate()
    }

    func member(name: UnsafeRawPointer, contextID: Int) -> ResolvedMember? {
        let mask = entries.count - 1
        var index = Self.slot(name: name, contextID: contextID, mask: mask)
        while let candidate = entries[index].name {
            if candidate == name && entries[index].contextID == Int32(truncatingIfNeeded: contextID) {
                return entries[index].member
            }
            index = (index + 1) & mask
        }
        return nil
    }

    mutating func insert(name: UnsafeRawPointer, contextID: Int, member: ResolvedMember) {
        if (count + 1) * 2 > entries.count {
            guard entries.count < Self.maximumCapacity else { return }
            grow()
        }
        place(Entry(name: name, contextID: Int32(truncatingIfNeeded: contextID), member: member))
        count += 1
    }

    private mutating func place(_ entry: Entry) {
        let mask = entries.count - 1
        var index = Self.slot(name: entry.name!, contextID: Int(entry.contextID), mask: mask)
        while entries[index].name != nil { index = (index + 1) & mask }
        entries[index] = entry
    }

    private mutating func grow() {
        let old = entries
        entries = .allocate(capacity: old.count * 2)
        entries.initialize(repeating: Entry(name: nil, contextID: 0, member: ResolvedMember(memberIndex: 0, factIndex: 0)))
        for entry in old where entry.name != nil { place(entry) }
        old.deallocate()
    }

    /// Names are at least 8-byte aligned in libxml2's dictionary pools only by chance, so all
    /// pointer bits are mixed in (Fibonacci hashing), with the context.
    private static func slot(name: UnsafeRawPointer, contextID: Int, mask: Int) -> Int {
        let key = UInt(bitPattern: name) ^ (UInt(truncatingIfNeeded: contextID) &* 0x9E37_79B9)
        return Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 40) & mask
    }
}
