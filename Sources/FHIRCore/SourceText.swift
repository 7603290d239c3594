/// Turns byte offsets into 1-based line and column numbers, lazily: readers record offsets, and
/// only the rare issue pays for counting lines. Offsets asked for in increasing order (the
/// usual case) cost one pass over the text in total.
public struct SourceText: ~Copyable {
    private let bytes: UnsafeRawBufferPointer
    private var scannedTo = 0
    private var line = 1
    private var column = 1

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
        skipByteOrderMark()
    }

    /// Editors do not show a UTF-8 byte order mark, so it takes no column.
    private mutating func skipByteOrderMark() {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { scannedTo = 3 }
    }

    public mutating func location(ofOffset offset: Int) -> SourceLocation {
        let target = min(max(offset, 0), bytes.count)
        if target < scannedTo {
            scannedTo = 0
            line = 1
            column = 1
            skipByteOrderMark()
        }
        var index = scannedTo
        while index < target {
            let byte = bytes[index]
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                // Columns count scalars: UTF-8 continuation bytes do not advance them.
                column += 1
            }
            index += 1
        }
        scannedTo = target
        return SourceLocation(line: line, column: column)
    }
}
