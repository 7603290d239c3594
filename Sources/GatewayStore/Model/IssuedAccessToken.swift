/// An access token the token endpoint issued (SMART Backend Services): only the SHA-256 of the
/// token is kept, beside the client it was issued to, the scopes granted and when it expires,
/// so every process on the store accepts it and a copy of the store yields no usable token.
public struct IssuedAccessToken: Hashable, Sendable {
    /// Lower-case hex SHA-256 of the token's UTF-8 bytes.
    public var tokenSHA256: String
    public var client: String
    /// The granted scopes, as their text (`system/Patient.rs`).
    public var scopes: [String]
    public var issuedAt: StoreTimestamp
    public var expiresAt: StoreTimestamp

    public init(tokenSHA256: String, client: String, scopes: [String], issuedAt: StoreTimestamp, expiresAt: StoreTimestamp) {
        self.tokenSHA256 = tokenSHA256
        self.client = client
        self.scopes = scopes
        self.issuedAt = issuedAt
        self.expiresAt = expiresAt
    }
}
