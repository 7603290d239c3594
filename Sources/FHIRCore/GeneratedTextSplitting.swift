/// Splitting of the generated catalogue texts (`R4CatalogueText`, the search parameters) into
/// lines and tab-separated fields by their UTF-8 bytes. `String.split(separator:)` on a
/// `Character` walks grapheme clusters, which made most of the 0.2 s every command paid to load
/// the type catalogue; these texts are ASCII separators around UTF-8 fields, so bytes suffice.
extension StringProtocol {
    /// The non-empty parts between `separator` bytes (lines: `0x0A`).
    public func splitLines() -> [Substring] {
        Substring(self).utf8.split(separator: 0x0A, omittingEmptySubsequences: true).map(Substring.init)
    }

    /// Every part between `separator` bytes, empty ones included (fields: `0x09`; lists: `,`).
    public func splitFields(_ separator: UInt8 = 0x09, omittingEmpty: Bool = false) -> [Substring] {
        Substring(self).utf8.split(separator: separator, omittingEmptySubsequences: omittingEmpty).map(Substring.init)
    }
}
