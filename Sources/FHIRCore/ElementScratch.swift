/// Shared by the JSON and XML readers (`package` access).
/// A stack of nodes under construction, shared by all open objects of one read: each object
/// owns the tail from its base index. When an object ends, its nodes are *moved* (not copied)
/// into an array of exactly the right size, so building the tree costs one allocation per
/// object and no reference counting for the move.
package struct ElementScratch: ~Copyable {
    private var storage: UnsafeMutablePointer<FHIRElement>
    private var capacity: Int
    package private(set) var count = 0

    package init(capacity: Int = 256) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }

    package mutating func push(_ element: consuming FHIRElement) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    package subscript(index: Int) -> FHIRElement {
        get { storage[index] }
        _modify { yield &storage[index] }
    }

    /// Moves the nodes from `base` to the top into a new array, in the order given by
    /// `permutation` (offsets from `base`), or as they are when it is `nil`.
    package mutating func popArray(from base: Int, permutation: [Int]? = nil) -> [FHIRElement] {
        let length = count - base
        guard length > 0 else { return [] }
        let source = storage + base
        let result = [FHIRElement](unsafeUninitializedCapacity: length) { buffer, initialized in
            if let permutation {
                for (target, offset) in permutation.enumerated() {
                    (buffer.baseAddress! + target).moveInitialize(from: source + offset, count: 1)
                }
            } else {
                buffer.baseAddress!.moveInitialize(from: source, count: length)
            }
            initialized = length
        }
        count = base
        return result
    }

    private mutating func grow() {
        let newCapacity = capacity * 2
        let newStorage = UnsafeMutablePointer<FHIRElement>.allocate(capacity: newCapacity)
        newStorage.moveInitialize(from: storage, count: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
