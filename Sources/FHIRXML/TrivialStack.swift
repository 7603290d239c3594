import FHIRCore

/// A stack of plain values in memory the reader owns: pushing, popping and changing an item in
/// place cost no uniqueness check and no reference counting, which an `Array` pays on every
/// mutation. The reader changes its open elements' state once or twice per element.
struct TrivialStack<Element: BitwiseCopyable>: ~Copyable {
    private var storage: UnsafeMutablePointer<Element>
    private var capacity: Int
    private(set) var count = 0

    init(capacity: Int = 64) {
        self.capacity = capacity
        storage = .allocate(capacity: capacity)
    }

    deinit {
        storage.deallocate()
    }

    var isEmpty: Bool { count == 0 }

    /// The index of the top item, if any.
    var lastIndex: Int? { count > 0 ? count - 1 : nil }

    subscript(index: Int) -> Element {
        get {
            precondition(index >= 0 && index < count, "index out of range")
            return storage[index]
        }
        nonmutating _modify {
            precondition(index >= 0 && index < count, "index out of range")
            yield &storage[index]
        }
    }

    mutating func push(_ element: Element) {
        if count == capacity { grow() }
        (storage + count).initialize(to: element)
        count += 1
    }

    mutating func removeLast() -> Element {
        precondition(count > 0, "pop from an empty stack")
        count -= 1
        return storage[count]
    }

    /// Drops the items from `index` up.
    mutating func truncate(to index: Int) {
        precondition(index >= 0 && index <= count, "index out of range")
        count = index
    }

    /// Whether an item from `start` up equals `value`.
    func contains(_ value: Element, from start: Int) -> Bool where Element: Equatable {
        for index in start..<count where storage[index] == value { return true }
        return false
    }

    private mutating func grow() {
        capacity *= 2
        storage = storage.movedToNewStorage(count: count, capacity: capacity)
    }
}
