import Foundation

/// The one normalisation of string search values, shared by the indexer (`StringEntry.normalized`)
/// and the query side: FHIR R4 search.html §3.1.1.4.8 matches strings "independent of case and
/// accents", so `Müller`, `MÜLLER` and `muller` all normalise to `muller`.
public enum SearchText {
    /// Case and accents folded (Foundation's `.caseInsensitive, .diacriticInsensitive` without a
    /// locale); ASCII text takes a byte-wise lower-casing that gives the same answer without
    /// Foundation's cost.
    public static func normalized(_ text: String) -> String {
        var text = text
        let ascii: String? = text.withUTF8 { bytes in
            var hasUpper = false
            for byte in bytes {
                if byte >= 0x80 { return nil }
                if byte >= 0x41 && byte <= 0x5A { hasUpper = true }
            }
            guard hasUpper else { return "" }
            return String(unsafeUninitializedCapacity: bytes.count) { buffer in
                for index in bytes.indices {
                    let byte = bytes[index]
                    buffer[index] = byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
                }
                return bytes.count
            }
        }
        if let ascii { return ascii.isEmpty ? text : ascii }
        return text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
    }
}
