import IOPDomain

/// Deterministic domain IDs for records made from FHIR input: the same input imported twice
/// gives the same IDs, so the importer's ledger and the store's upserts see the same rows.
///
/// Two 64-bit FNV-1a hashes (different offset bases) over the parts, each part length-prefixed
/// so that `("ab", "c")` and `("a", "bc")` differ, shaped as a lower-case UUID, which is also a
/// valid FHIR `id`. Not a cryptographic hash: IDs are keys, not secrets, and every part is
/// already in the stored resource.
enum StableID {
    static func make<Owner>(_ kind: String, _ parts: [String]) -> EntityID<Owner> {
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
        let text = hex(first) + hex(second)
        let chars = Array(text)
        let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(chars[$0]) }
        return EntityID(groups.joined(separator: "-"))
    }
}
