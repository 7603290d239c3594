import Foundation

/// How domain values are written into and read from domain rows: JSON with sorted keys (the
/// same value always makes the same bytes) and ISO 8601 dates.
public enum DomainRowCoding {
    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
