/// One header field as it arrived: the name keeps its spelling, the value is the field value
/// with surrounding whitespace removed (RFC 9112 §5.1).
public struct HTTPField: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// Header fields in arrival order with case-insensitive lookup (RFC 9110 §5.1: field names are
/// case-insensitive; order matters for repeated fields).
///
/// Values may carry patient data: never log them. Only names are safe to report.
public struct HTTPHeaders: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    public private(set) var fields: [HTTPField] = []

    public init() {}

    public init(_ pairs: [(String, String)]) {
        fields = pairs.map { HTTPField(name: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.init(elements)
    }

    public var count: Int { fields.count }

    public func makeIterator() -> IndexingIterator<[HTTPField]> { fields.makeIterator() }

    /// The first value of `name`, or nil.
    public subscript(name: String) -> String? {
        fields.first { Self.equalsIgnoringCase($0.name, name) }?.value
    }

    /// Every value of `name`, in order.
    public func values(for name: String) -> [String] {
        fields.filter { Self.equalsIgnoringCase($0.name, name) }.map(\.value)
    }

    public func contains(_ name: String) -> Bool {
        fields.contains { Self.equalsIgnoringCase($0.name, name) }
    }

    public mutating func add(name: String, value: String) {
        fields.append(HTTPField(name: name, value: value))
    }

    /// Replaces every field called `name` by one field with `value`.
    public mutating func replaceOrAdd(name: String, value: String) {
        remove(name)
        add(name: name, value: value)
    }

    public mutating func remove(_ name: String) {
        fields.removeAll { Self.equalsIgnoringCase($0.name, name) }
    }

    /// True when the comma-separated list in the `name` fields has `token` (case-insensitive),
    /// as for `Connection: keep-alive, close`.
    public func hasToken(_ token: String, in name: String) -> Bool {
        for value in values(for: name) {
            for element in value.split(separator: ",") {
                let trimmed = element.utf8.drop { $0 == 0x20 || $0 == 0x09 }
                let word = String(decoding: trimmed, as: UTF8.self)
                let end = word.utf8.reversed().prefix { $0 == 0x20 || $0 == 0x09 }.count
                if Self.equalsIgnoringCase(String(word.dropLast(end)), token) { return true }
            }
        }
        return false
    }

    /// ASCII case-insensitive comparison: header names are tokens, so no Unicode folding is needed.
    static func equalsIgnoringCase(_ a: String, _ b: String) -> Bool {
        let x = a.utf8, y = b.utf8
        guard x.count == y.count else { return false }
        for (p, q) in zip(x, y) where p != q {
            if lowercaseASCII(p) != lowercaseASCII(q) { return false }
        }
        return true
    }

    @inline(__always)
    static func lowercaseASCII(_ byte: UInt8) -> UInt8 {
        (byte >= 0x41 && byte <= 0x5A) ? byte | 0x20 : byte
    }
}
