/// Word-at-a-time tests over eight bytes (the "SWAR" tricks of Hacker's Delight §6.1), so the
/// reader can step over plain text and indentation eight bytes at a time.
/// Public and inlinable only because the readers and writers, in other modules, call these every
/// eight bytes; not an API for users of the package (`package` inlining was not honoured).
public enum ByteChunks {
    @usableFromInline static var ones: UInt64 { 0x0101_0101_0101_0101 }
    @usableFromInline static var highBits: UInt64 { 0x8080_8080_8080_8080 }

    @inlinable @inline(__always)
    public static func broadcast(_ byte: UInt8) -> UInt64 { ones &* UInt64(byte) }

    /// The high bit of each byte of `word` above 0x20, exactly (no false alarms: the masked add
    /// cannot carry out of a byte). In XML text every byte at or below 0x20 is whitespace, since
    /// the parser refuses the other control characters.
    @inlinable @inline(__always)
    public static func bytesAboveSpace(_ word: UInt64) -> UInt64 {
        (((word & ~highBits) &+ broadcast(0x7F - 0x20)) | word) & highBits
    }

    /// Whether any byte of `word` is zero.
    @inlinable @inline(__always)
    public static func hasZeroByte(_ word: UInt64) -> Bool {
        (word &- ones) & ~word & highBits != 0
    }

    /// The high bit of each of the eight bytes (a word from `load`) that needs the string
    /// reader's attention: `"`, `\`, a control character (below 0x20) or a non-ASCII byte (which
    /// must be validated as UTF-8); zero when none does. Bits above the lowest one may be false
    /// alarms (a borrow runs upwards), so only `firstFlaggedByte` is meaningful: the offset of
    /// the first such byte.
    @inlinable @inline(__always)
    public static func attentionInString(_ word: UInt64) -> UInt64 {
        let quote = word ^ broadcast(UInt8(ascii: "\""))
        let backslash = word ^ broadcast(UInt8(ascii: "\\"))
        // Bytes below 0x20 borrow when 0x20 is subtracted; bytes at or above 0x80 have the high bit.
        let controlOrNonASCII = (word &- broadcast(0x20)) | word
        return ((quote &- ones) & ~quote | (backslash &- ones) & ~backslash | controlOrNonASCII) & highBits
    }

    /// Whether any of the eight bytes must be escaped in a JSON string: `"`, `\` or a control
    /// character. Non-ASCII bytes are written as they are.
    @inlinable @inline(__always)
    public static func needsEscapeInString(_ word: UInt64) -> Bool {
        let quote = hasZeroByte(word ^ broadcast(UInt8(ascii: "\"")))
        let backslash = hasZeroByte(word ^ broadcast(UInt8(ascii: "\\")))
        let control = (word &- broadcast(0x20)) & ~word & highBits != 0
        return quote || backslash || control
    }

    /// Whether any of the eight bytes must be escaped in an XML attribute value: `"`, `&`,
    /// `<`, `>` or a control character (tab, CR and LF become character references so that
    /// attribute-value normalisation does not turn them into spaces).
    @inlinable @inline(__always)
    public static func needsEscapeInAttribute(_ word: UInt64) -> Bool {
        let quote = hasZeroByte(word ^ broadcast(UInt8(ascii: "\"")))
        let ampersand = hasZeroByte(word ^ broadcast(UInt8(ascii: "&")))
        let less = hasZeroByte(word ^ broadcast(UInt8(ascii: "<")))
        let greater = hasZeroByte(word ^ broadcast(UInt8(ascii: ">")))
        let control = (word &- broadcast(0x20)) & ~word & highBits != 0
        return quote || ampersand || less || greater || control
    }

    /// Non-zero exactly in the bytes that are not spaces (zero when all eight are).
    @inlinable @inline(__always)
    public static func bytesOtherThanSpace(_ word: UInt64) -> UInt64 {
        word ^ broadcast(0x20)
    }

    /// Eight bytes from `offset`, the first in the lowest bits whatever the machine's byte
    /// order, so that `firstFlaggedByte` finds the first in memory (and borrows in the masks
    /// above run from earlier bytes to later ones, never the other way).
    @inlinable @inline(__always)
    public static func load(_ bytes: UnsafeRawBufferPointer, at offset: Int) -> UInt64 {
        UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    /// The offset of the first byte with a bit set in `flags` (non-zero), for a word from `load`.
    @inlinable @inline(__always)
    public static func firstFlaggedByte(_ flags: UInt64) -> Int {
        flags.trailingZeroBitCount >> 3
    }
}
