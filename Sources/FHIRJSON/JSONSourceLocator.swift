import FHIRCore

/// Finds where in a JSON document the elements named by FHIRPath expressions are written, so
/// the validator's issues (which work on the element tree and carry only an expression) can
/// give a line and column. Called only when there are issues to report: reading pays nothing.
///
/// The location is the key of the last step (`"given"`), or the array item for an index, as
/// the HL7 validator reports. A primitive's `id` and `extension` are found under its `_name`
/// twin. An expression whose last segment is absent (a missing required element) is located at
/// its parent; one that does not describe this document is left out.
public enum JSONSourceLocator {
    public static func locations(of expressions: Set<String>, in bytes: UnsafeRawBufferPointer) -> [String: SourceLocation] {
        var paths = SourceLocatorPaths(expressions)
        guard !paths.isEmpty else { return [:] }
        var walk = JSONLocatorWalk(input: bytes)
        // Malformed or too deep: nothing the readers would have accepted, so nothing to locate.
        guard walk.run(&paths) else { return [:] }
        for (type, root) in paths.roots where type != walk.rootType { paths.unfind(root) }
        return paths.locations(in: bytes)
    }

    public static func locations(of expressions: Set<String>, in bytes: [UInt8]) -> [String: SourceLocation] {
        bytes.withUnsafeBytes { locations(of: expressions, in: $0) }
    }
}

/// One pass over JSON with an explicit stack (never recursion), at most
/// `ReadLimits.depthCeiling` objects and arrays deep, matching keys only inside containers some
/// expression leads into; everything else is skipped byte by byte.
struct JSONLocatorWalk: ~Copyable {
    private struct Active {
        var node: Int32
        /// Reached through a `_name` twin: its own offset is only a fallback.
        var twin: Bool
    }

    private struct Frame {
        var isObject: Bool
        var activeStart: Int
        var item = 0
    }

    /// At most this many trie nodes follow one container (several roots, `_x` as a name and a twin).
    private static let activeLimit = 16

    let input: UnsafeRawBufferPointer
    private(set) var rootType: String?
    private var position = 0
    private var frames: [Frame] = []
    private var active: [Active] = []
    /// The trie nodes the next value belongs to.
    private var pending: [Active] = []
    private var valueIsRootType = false

    init(input: UnsafeRawBufferPointer) {
        self.input = input
    }

    private var current: UInt8 { position < input.count ? input[position] : 0 }

    /// Whether the document is one well-formed JSON value within the depth limit.
    mutating func run(_ paths: inout SourceLocatorPaths) -> Bool {
        if input.count >= 3 && input[0] == 0xEF && input[1] == 0xBB && input[2] == 0xBF { position = 3 }
        skipSpace()
        guard current == UInt8(ascii: "{") else { return false }
        for root in paths.roots.values {
            paths.found(root, at: position)
            pending.append(Active(node: root, twin: false))
        }
        var needValue = true
        while true {
            if needValue {
                skipSpace()
                guard position < input.count else { return false }
                let byte = input[position]
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") {
                    guard frames.count < ReadLimits.depthCeiling else { return false }
                    let isObject = byte == UInt8(ascii: "{")
                    valueIsRootType = false
                    frames.append(Frame(isObject: isObject, activeStart: active.count))
                    active.append(contentsOf: pending)
                    position += 1
                    skipSpace()
                    if current == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                        position += 1
                        closeFrame()
                        needValue = false
                    } else {
                        guard startEntry(&paths) else { return false }
                    }
                    continue
                }
                if byte == UInt8(ascii: "\"") {
                    let start = position
                    guard skipString() else { return false }
                    if valueIsRootType {
                        rootType = decodeString(from: start + 1, to: position - 1)
                    }
                } else {
                    guard skipScalar() else { return false }
                }
                valueIsRootType = false
                needValue = false
            } else {
                guard let top = frames.last else {
                    skipSpace()
                    return position == input.count
                }
                skipSpace()
                if current == UInt8(ascii: ",") {
                    position += 1
                    skipSpace()
                    frames[frames.count - 1].item += 1
                    guard startEntry(&paths) else { return false }
                    needValue = true
                } else if current == (top.isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    position += 1
                    closeFrame()
                } else {
                    return false
                }
            }
        }
    }

    private mutating func closeFrame() {
        active.removeSubrange(frames[frames.count - 1].activeStart...)
        frames.removeLast()
    }

    /// At an object's key or an array's item: works out which trie nodes the value belongs to
    /// and records where each was found.
    private mutating func startEntry(_ paths: inout SourceLocatorPaths) -> Bool {
        pending.removeAll(keepingCapacity: true)
        let frame = frames[frames.count - 1]
        let followed = active[frame.activeStart...]
        guard frame.isObject else {
            for entry in followed {
                guard let node = paths.item(of: entry.node, frame.item) else { continue }
                follow(node, twin: entry.twin, at: position, in: &paths)
            }
            return true
        }
        let keyStart = position
        guard current == UInt8(ascii: "\""), skipString() else { return false }
        if !followed.isEmpty || frames.count == 1, let key = decodeString(from: keyStart + 1, to: position - 1) {
            valueIsRootType = frames.count == 1 && key == "resourceType"
            for entry in followed {
                if let node = paths.child(of: entry.node, named: key) {
                    follow(node, twin: false, at: keyStart, in: &paths)
                }
                if key.utf8.first == UInt8(ascii: "_"), let node = paths.child(of: entry.node, named: String(key.dropFirst())) {
                    follow(node, twin: true, at: keyStart, in: &paths)
                }
            }
        }
        skipSpace()
        guard current == UInt8(ascii: ":") else { return false }
        position += 1
        return true
    }

    private mutating func follow(_ node: Int32, twin: Bool, at offset: Int, in paths: inout SourceLocatorPaths) {
        if twin { paths.foundTwin(node, at: offset) } else { paths.found(node, at: offset) }
        if pending.count < Self.activeLimit { pending.append(Active(node: node, twin: twin)) }
    }

    // MARK: tokens

    /// Whitespace and the comments some exporters write (the reader reports and skips them).
    private mutating func skipSpace() {
        while position < input.count {
            switch input[position] {
            case 0x20, 0x0A, 0x0D, 0x09:
                position += 1
            case UInt8(ascii: "/") where position + 1 < input.count && input[position + 1] == UInt8(ascii: "/"):
                while position < input.count && input[position] != 0x0A { position += 1 }
            case UInt8(ascii: "/") where position + 1 < input.count && input[position + 1] == UInt8(ascii: "*"):
                position += 2
                while position < input.count
                    && !(input[position] == UInt8(ascii: "*") && position + 1 < input.count && input[position + 1] == UInt8(ascii: "/"))
                {
                    position += 1
                }
                position = min(position + 2, input.count)
            default:
                return
            }
        }
    }

    /// From an opening quote to just past the closing one.
    private mutating func skipString() -> Bool {
        position += 1
        while position < input.count {
            switch input[position] {
            case UInt8(ascii: "\""):
                position += 1
                return true
            case UInt8(ascii: "\\"):
                position += 2
            default:
                position += 1
            }
        }
        return false
    }

    /// A number, `true`, `false` or `null`, loosely: the reader has already checked them.
    private mutating func skipScalar() -> Bool {
        let start = position
        while position < input.count {
            switch input[position] {
            case UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "."), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"):
                position += 1
            default:
                return position > start
            }
        }
        return position > start
    }

    /// The string between two offsets with escapes decoded; nil when an escape is malformed.
    private func decodeString(from start: Int, to end: Int) -> String? {
        let raw = UnsafeRawBufferPointer(rebasing: input[start..<end])
        guard raw.contains(UInt8(ascii: "\\")) else { return String(decoding: raw, as: UTF8.self) }
        var scalars = String.UnicodeScalarView()
        var bytes: [UInt8] = []
        var index = 0
        func flush() {
            scalars.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
            bytes.removeAll()
        }
        func hex(at offset: Int) -> UInt32? {
            guard offset + 4 <= raw.count else { return nil }
            return UInt32(String(decoding: raw[offset..<offset + 4], as: UTF8.self), radix: 16)
        }
        while index < raw.count {
            guard raw[index] == UInt8(ascii: "\\") else {
                bytes.append(raw[index])
                index += 1
                continue
            }
            guard index + 1 < raw.count else { return nil }
            let escaped = raw[index + 1]
            index += 2
            switch escaped {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escaped)
            case UInt8(ascii: "b"): bytes.append(0x08)
            case UInt8(ascii: "f"): bytes.append(0x0C)
            case UInt8(ascii: "n"): bytes.append(0x0A)
            case UInt8(ascii: "r"): bytes.append(0x0D)
            case UInt8(ascii: "t"): bytes.append(0x09)
            case UInt8(ascii: "u"):
                guard var code = hex(at: index) else { return nil }
                index += 4
                if (0xD800..<0xDC00).contains(code), index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"),
                   raw[index + 1] == UInt8(ascii: "u"), let low = hex(at: index + 2), (0xDC00..<0xE000).contains(low)
                {
                    code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                guard let scalar = Unicode.Scalar(code) else { return nil }
                flush()
                scalars.append(scalar)
            default:
                return nil
            }
        }
        flush()
        return String(scalars)
    }
}
