extension Array where Element == UInt8 {
    /// Whether these bytes contain `text`'s UTF-8 bytes as a run.
    public func containsBytes(of text: String) -> Bool {
        let needle = Array(text.utf8)
        guard !needle.isEmpty, needle.count <= count else { return needle.isEmpty }
        return (0...(count - needle.count)).contains { start in self[start..<start + needle.count].elementsEqual(needle) }
    }

    /// The bytes as UTF-8 text, for failure messages.
    public var utf8Text: String { String(decoding: self, as: UTF8.self) }
}
