/// Shared by the JSON and XML writers; public and inlinable only because they call it several
/// times per node from other modules (`package` inlining was not honoured), not an API for users.
/// A growable byte buffer for writers: raw memory with `memcpy` appends, because appending to
/// `[UInt8]` pays a uniqueness check and a generic path per call, which dominated emit time.
public struct OutputBuffer {
    // Inlinable (with its storage usable from inline code) because the writers, in other
    // modules, append several times per node.
    @usableFromInline var storage: UnsafeMutableRawPointer
    @usableFromInline var capacity: Int
    @usableFromInline var _count = 0

    @inlinable public var count: Int { _count }

    public init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(byteCount: self.capacity, alignment: 1)
    }

    @inlinable
    public mutating func append(_ byte: UInt8) {
        if _count == capacity { grow(minimum: 1) }
        storage.storeBytes(of: byte, toByteOffset: _count, as: UInt8.self)
        _count += 1
    }

    @inlinable
    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if _count + bytes.count > capacity { grow(minimum: bytes.count) }
        (storage + _count).copyMemory(from: base, byteCount: bytes.count)
        _count += bytes.count
    }

    public mutating func append(repeating byte: UInt8, count repeats: Int) {
        if _count + repeats > capacity { grow(minimum: repeats) }
        (storage + _count).initializeMemory(as: UInt8.self, repeating: byte, count: repeats)
        _count += repeats
    }

    /// The bytes written, as an array; the buffer's memory is released.
    public consuming func finish() -> [UInt8] {
        let result = [UInt8](UnsafeRawBufferPointer(start: storage, count: _count))
        storage.deallocate()
        return result
    }

    @usableFromInline
    mutating func grow(minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < _count + minimum { newCapacity *= 2 }
        let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        newStorage.copyMemory(from: storage, byteCount: _count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
