/// Which FHIR format a document is in, from its first significant byte (after a UTF-8 BOM
/// and whitespace): `<` is XML, anything else is given to the JSON reader, which says exactly
/// what is wrong with it and where. Only an empty document is `unknown`.
public enum InputFormat: Sendable, Hashable {
    case json, xml, unknown

    public static func detect(_ bytes: some Collection<UInt8>) -> InputFormat {
        var remaining = bytes[...]
        if remaining.starts(with: [0xEF, 0xBB, 0xBF]) { remaining = remaining.dropFirst(3) }
        guard let first = remaining.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else {
            return .unknown
        }
        switch first {
        case UInt8(ascii: "<"): return .xml
        default: return .json
        }
    }
}
