extension UnsafeMutablePointer {
    /// New storage for `capacity` items holding the first `count` moved from this one, which is
    /// freed: how the readers' hand-managed stacks (`ElementScratch`, the XML reader's) grow.
    package func movedToNewStorage(count: Int, capacity: Int) -> UnsafeMutablePointer<Pointee> {
        let grown = UnsafeMutablePointer<Pointee>.allocate(capacity: capacity)
        grown.moveInitialize(from: self, count: count)
        deallocate()
        return grown
    }
}
