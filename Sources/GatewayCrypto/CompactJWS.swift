/// A JWS in compact serialisation (RFC 7515 §7.1) split and decoded, not yet verified: the
/// header's and payload's bytes (JSON, read by the caller), the signature, and the signing
/// input the signature covers.
public struct CompactJWS: Sendable, Hashable {
    public let header: [UInt8]
    public let payload: [UInt8]
    public let signature: [UInt8]
    /// The ASCII of `base64url(header).base64url(payload)`, as sent.
    public let signingInput: [UInt8]

    /// nil unless `text` is exactly three unpadded base64url parts (the third may be empty,
    /// as `alg: none` leaves it) and at most `maximumBytes` long.
    public init?(_ text: String, maximumBytes: Int) {
        guard text.utf8.count <= maximumBytes else { return nil }
        let parts = text.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              let header = Base64URL.decode(Substring(parts[0])), let payload = Base64URL.decode(Substring(parts[1])),
              let signature = parts[2].isEmpty ? [] : Base64URL.decode(Substring(parts[2]))
        else { return nil }
        self.header = header
        self.payload = payload
        self.signature = signature
        signingInput = Array(parts[0]) + [UInt8(ascii: ".")] + Array(parts[1])
    }
}
