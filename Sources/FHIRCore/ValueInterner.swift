/// Shared by the readers (public only because they live in other modules).
///
/// Makes the `String` for a primitive's value, handing out one storage for values a document
/// repeats: code systems, units, displays and references recur hundreds of times in a bundle
/// (in the Synthea bundles, 152,000 values longer than a small string hold 24,500 distinct
/// ones). A repeat then costs a hash, a compare and a retain, where a new string costs an
/// allocation, a UTF-8 check and a copy, and later a free. Values of at most 15 bytes are small
/// strings stored inline and gain nothing; long ones (narrative, attachments) rarely repeat.
/// One per read: nothing is shared between threads, and nothing outlives the read but the
/// strings themselves.
public struct ValueInterner: ~Copyable {
    private struct Entry {
        var hash: UInt64
        var start: Int32
        var count: Int32
    }

    /// Lengths worth interning.
    private static let shortest = 16
    private static let longest = 128
    private static let maximumEntries = 1 << 16

    private var entries: UnsafeMutableBufferPointer<Entry>
    /// Parallel to `entries`; initialised where an entry is occupied.
    private var strings: UnsafeMutablePointer<String>
    /// The bytes of every interned value, compared on a hash match.
    private var bytes: UnsafeMutableRawPointer
    private var bytesUsed = 0
    private var bytesCapacity = 0
    private var count = 0

    public init() {
        entries = UnsafeMutableBufferPointer(start: nil, count: 0)
        strings = .allocate(capacity: 0)
        bytes = .allocate(byteCount: 0, alignment: 1)
    }

    deinit {
        for index in entries.indices where entries[index].count > 0 { (strings + index).deinitialize(count: 1) }
        entries.deallocate()
        strings.deallocate()
        bytes.deallocate()
    }

    /// The value as a `String`; `value` must be valid UTF-8 for the repeat to be exact (any
    /// invalid sequence is repaired, as `String(decoding:as:)` does, before it is stored).
    public mutating func string(_ value: UnsafeRawBufferPointer) -> String {
        guard value.count >= Self.shortest, value.count <= Self.longest else {
            return String(decoding: value, as: UTF8.self)
        }
        if entries.isEmpty { grow() }
        let hash = Self.hash(value)
        let mask = entries.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while entries[index].count > 0 {
            let entry = entries[index]
            if entry.hash == hash && Int(entry.count) == value.count
                && Self.equal(UnsafeRawPointer(bytes + Int(entry.start)), value)
            {
                return strings[index]
            }
            index = (index + 1) & mask
        }
        let string = String(decoding: value, as: UTF8.self)
        guard count < Self.maximumEntries else { return string }
        if (count + 1) * 2 > entries.count {
            grow()
            return insertAfterGrowing(string, value: value, hash: hash)
        }
        store(string, value: value, hash: hash, at: index)
        return string
    }

    private mutating func insertAfterGrowing(_ string: String, value: UnsafeRawBufferPointer, hash: UInt64) -> String {
        let mask = entries.count - 1
        var index = Int(truncatingIfNeeded: hash) & mask
        while entries[index].count > 0 { index = (index + 1) & mask }
        store(string, value: value, hash: hash, at: index)
        return string
    }

    private mutating func store(_ string: String, value: UnsafeRawBufferPointer, hash: UInt64, at index: Int) {
        if bytesUsed + value.count > bytesCapacity {
            let newCapacity = Swift.max(bytesCapacity * 2, 4096, bytesUsed + value.count)
            let newBytes = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 1)
            newBytes.copyMemory(from: bytes, byteCount: bytesUsed)
            bytes.deallocate()
            bytes = newBytes
            bytesCapacity = newCapacity
        }
        (bytes + bytesUsed).copyMemory(from: value.baseAddress!, byteCount: value.count)
        entries[index] = Entry(hash: hash, start: Int32(bytesUsed), count: Int32(value.count))
        (strings + index).initialize(to: string)
        bytesUsed += value.count
        count += 1
    }

    private mutating func grow() {
        let oldEntries = entries
        let oldStrings = strings
        let capacity = Swift.max(oldEntries.count * 2, 256)
        entries = .allocate(capacity: capacity)
        entries.initialize(repeating: Entry(hash: 0, start: 0, count: 0))
        strings = .allocate(capacity: capacity)
        let mask = capacity - 1
        for old in oldEntries.indices where oldEntries[old].count > 0 {
            var index = Int(truncatingIfNeeded: oldEntries[old].hash) & mask
            while entries[index].count > 0 { index = (index + 1) & mask }
            entries[index] = oldEntries[old]
            (strings + index).moveInitialize(from: oldStrings + old, count: 1)
        }
        oldEntries.deallocate()
        oldStrings.deallocate()
    }

    private static func equal(_ stored: UnsafeRawPointer, _ value: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + 8 <= value.count {
            if stored.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != value.loadUnaligned(fromByteOffset: offset, as: UInt64.self) { return false }
            offset += 8
        }
        while offset < value.count {
            if stored.load(fromByteOffset: offset, as: UInt8.self) != value[offset] { return false }
            offset += 1
        }
        return true
    }

    /// Eight bytes at a time, multiplied and folded; the tail is read as one partial word.
    private static func hash(_ value: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(value.count)
        var offset = 0
        while offset + 8 <= value.count {
            hash = (hash ^ value.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            hash ^= hash >> 32
            offset += 8
        }
        var tail: UInt64 = 0
        var shift: UInt64 = 0
        while offset < value.count {
            tail |= UInt64(value[offset]) << shift
            shift += 8
            offset += 1
        }
        hash = (hash ^ tail) &* 0xC4CE_B9FE_1A85_EC53
        return hash ^ (hash >> 29)
    }
}
