/// Shared by the JSON and XML writers (`package` access).
/// A growable byte buffer for writers: raw memory with `memcpy` appends, because appending to
/// `[UInt8]` pays a uniqueness check and a generic path per call, which dominated emit time.
package struct OutputBuffer {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    package private(set) var count = 0

    package init(capacity: Int) {
        self.capacity = max(capacity, 64)
        storage = .allocate(byteCount: self.capacity, alignment: 1)
    }

    @inline(__always)
    package mutating func append(_ byte: UInt8) {
        if count == capacity { grow(minimum: 1) }
        storage.storeBytes(of: byte, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always)
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        if count + bytes.count > capacity { grow(minimum: bytes.count) }
        (storage + count).copyMemory(from: base, byteCount: bytes.count)
        count += bytes.count
    }

    package mutating func append(repeating byte: UInt8, count repeats: Int) {
        if count + repeats > capacity { grow(minimum: repeats) }
        (storage + count).initializeMemory(as: UInt8.self, repeating: byte, count: repeats)
        count += repeats
    }

    /// The bytes written, as an array; the buffer's memory is released.
    package consuming func finish() -> [UInt8] {
        let result = [UInt8](UnsafeRawBufferPointer(start: storage, count: count))
        storage.deallocate()
        return result
    }

    private mutating func grow(minimum: Int) {
        var newCapacity = capacity * 2
        while newCapacity < count + minimum { newCapacity *= 2 }
        let newStorage = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
        newStorage.copyMemory(from: storage, byteCount: count)
        storage.deallocate()
        storage = newStorage
        capacity = newCapacity
    }
}
