/// An immutable hash table from names to small integers that is probed with raw bytes, so
/// readers can look up a JSON key or XML element name without first making a `String`.
///
/// Open addressing over FNV-1a hashes; keys live in one contiguous byte buffer.
public struct NameTable: Sendable {
    private struct Slot: Sendable {
        var hash: UInt32 = 0
        var start: UInt32 = 0
        var length: UInt32 = 0
        var value: Int32 = -1
    }

    private let keyBytes: [UInt8]
    private let slots: [Slot]
    private let mask: Int

    public init(_ entries: [(key: String, value: Int32)]) {
        var capacity = 8
        while capacity < entries.count * 2 { capacity <<= 1 }
        var slots = [Slot](repeating: Slot(), count: capacity)
        var keyBytes: [UInt8] = []
        for (key, value) in entries {
            let bytes = Array(key.utf8)
            let hash = bytes.withUnsafeBytes(Self.hash)
            var index = Int(hash) & (capacity - 1)
            while slots[index].value >= 0 { index = (index + 1) & (capacity - 1) }
            slots[index] = Slot(hash: hash, start: UInt32(keyBytes.count), length: UInt32(bytes.count), value: value)
            keyBytes += bytes
        }
        self.keyBytes = keyBytes
        self.slots = slots
        self.mask = capacity - 1
    }

    /// FNV-1a, 32 bits: names are short and few, so a simple hash probes well.
    @inlinable
    public static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        var hash: UInt32 = 2_166_136_261
        for byte in bytes {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        return hash
    }

    public func value(for key: UnsafeRawBufferPointer, hash: UInt32) -> Int32? {
        slots.withUnsafeBufferPointer { slots in
            keyBytes.withUnsafeBufferPointer { keyBytes in
                var index = Int(hash) & mask
                while true {
                    let slot = slots[index]
                    if slot.value < 0 { return nil }
                    if slot.hash == hash && Int(slot.length) == key.count {
                        var equal = true
                        let start = Int(slot.start)
                        for offset in 0..<key.count where keyBytes[start + offset] != key[offset] {
                            equal = false
                            break
                        }
                        if equal { return slot.value }
                    }
                    index = (index + 1) & mask
                }
            }
        }
    }

    public func value(for key: UnsafeRawBufferPointer) -> Int32? {
        value(for: key, hash: Self.hash(key))
    }

    public func value(for key: String) -> Int32? {
        // The UTF-8 view's own storage, where there is one (native and small strings): no copy
        // of the string, which `withUTF8` needs, and no retain and release of it per lookup.
        if let found = key.utf8.withContiguousStorageIfAvailable({ value(for: UnsafeRawBufferPointer($0)) }) {
            return found
        }
        var key = key
        return key.withUTF8 { value(for: UnsafeRawBufferPointer($0)) }
    }
}
