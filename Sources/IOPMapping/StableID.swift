import GatewayCrypto
import IOPDomain

/// Deterministic domain IDs for records made from FHIR input: the same input imported twice
/// gives the same IDs, so the importer's ledger and the store's upserts see the same rows.
///
/// SHA-256 over the kind and the parts, each preceded by its UTF-8 length as 8 bytes big-endian
/// (so `("ab", "c")` and `("a", "bc")` differ and no part can fake a boundary), the first 128
/// bits shaped as a lower-case UUID, which is also a valid FHIR `id`. The parts come from the
/// input (identifiers, fullUrls), so a sender could craft two inputs whose ids collide under a
/// non-cryptographic hash and overwrite another person's rows; with SHA-256 they cannot.
/// (GatewayCrypto sits below FHIRCore in the layering, on libcrypto alone, so mapping may use it.)
enum StableID {
    static func make<Owner>(_ kind: String, _ parts: [String]) -> EntityID<Owner> {
        EntityID(uuidShaped(Array(SHA256Digest.hash(lengthPrefixed: [kind] + parts).hex.prefix(32))))
    }

    /// The ID the gateway gave the same record before version 4 of the store: two 64-bit FNV-1a
    /// hashes over the length-prefixed parts. Kept only so rows written by earlier versions are
    /// found (`DomainRecords.legacyIDs`), and for the ids receivers already hold (see
    /// `FHIROutboundMapper.summaryID`); never for a new inbound record.
    static func legacy<Owner>(_ kind: String, _ parts: [String]) -> EntityID<Owner> {
        var first: UInt64 = 0xcbf2_9ce4_8422_2325
        var second: UInt64 = 0x8422_2325_cbf2_9ce4
        func feed(_ text: String) {
            for byte in Array(String(text.utf8.count).utf8) + [0x3A] + Array(text.utf8) {
                first = (first ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
                second = (second ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
            }
        }
        feed(kind)
        for part in parts { feed(part) }
        func hex(_ value: UInt64) -> String {
            let digits = String(value, radix: 16)
            return String(repeating: "0", count: 16 - digits.count) + digits
        }
        return EntityID(uuidShaped(Array(hex(first) + hex(second))))
    }

    private static func uuidShaped(_ digits: [Character]) -> String {
        [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(digits[$0]) }.joined(separator: "-")
    }
}
