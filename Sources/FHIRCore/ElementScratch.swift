/// Shared by the JSON and XML readers; public and inlinable only because they call it once per
/// node from other modules (`package` inlining was not honoured), not an API for users.
/// A stack of nodes under construction, shared by all open objects of one read: each object
/// owns the tail from its base index. When an object ends, its nodes are *moved* (not copied)
/// into an array of exactly the right size, so building the tree costs one allocation per
/// object and no reference counting for the move.
public struct ElementScratch: ~Copyable {
    // Inlinable (with its storage usable from inline code) because the readers, in other
    // modules, call it once per node.
    @usableFromInline var storage: UnsafeMutablePointer<FHIRElement>
    @usableFromInline var capacity: Int
    @usableFromInline var _count = 0

    @inlinable public var count: Int { _count }

    public init(capacity: Int = 256) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: _count)
        storage.deallocate()
    }

    @inlinable
    public mutating func push(_ element: consuming FHIRElement) {
        if _count == capacity { grow() }
        (storage + _count).initialize(to: element)
        _count += 1
    }

    @inlinable
    public subscript(index: Int) -> FHIRElement {
        get { storage[index] }
        _modify { yield &storage[index] }
    }

    /// Moves the nodes from `base` to the top into a new array, in the order given by
    /// `permutation` (offsets from `base`), or as they are when it is `nil`.
    public mutating func popArray(from base: Int, permutation: [Int]? = nil) -> [FHIRElement] {
        let length = count - base
        guard length > 0 else { return [] }
        let source = storage + base
        // `reserveCapacity` + `append`, not `Array(unsafeUninitializedCapacity:)`: the latter
        // allocates through a stdlib entry point that is never specialized and looks up the
        // array's generic metadata at run time, which cost about 5% of a whole JSON parse.
        var result: [FHIRElement] = []
        result.reserveCapacity(length)
        if let permutation {
            for offset in permutation { result.append((source + offset).move()) }
        } else {
            for offset in 0..<length { result.append((source + offset).move()) }
        }
        _count = base
        return result
    }

    @usableFromInline
    mutating func grow() {
        capacity *= 2
        storage = storage.movedToNewStorage(count: _count, capacity: capacity)
    }
}
