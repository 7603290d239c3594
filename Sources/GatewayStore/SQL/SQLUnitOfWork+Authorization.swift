/// The token endpoint's state, in the store so that every gateway process on it shares it: the
/// `jti` of each client assertion seen (a replay is refused while the assertion could still be
/// valid) and the hashes of the access tokens issued. Expired rows are removed as new ones are
/// written, so both tables stay the size of a few minutes of traffic.
extension SQLUnitOfWork {
    func recordAssertion(client: String, jti: String, expiresAt: StoreTimestamp) throws -> Bool {
        try perform(writing: true) {
            try require(!client.isEmpty && !jti.isEmpty, "an assertion needs a client and a jti")
            _ = try connection.write(
                "DELETE FROM auth_assertion WHERE expires_at < ?", [.timestamp(now)], purpose: "forget expired assertions")
            return try connection.write(
                "INSERT INTO auth_assertion (client, jti, expires_at) VALUES (?, ?, ?) ON CONFLICT (client, jti) DO NOTHING",
                [.text(client), .text(jti), .timestamp(expiresAt)], purpose: "record assertion") > 0
        }
    }

    func saveAccessToken(_ token: IssuedAccessToken) throws {
        try perform(writing: true) {
            try require(token.tokenSHA256.utf8.count == 64, "an access token is kept as its SHA-256")
            _ = try connection.write(
                "DELETE FROM auth_token WHERE expires_at < ?", [.timestamp(now)], purpose: "forget expired tokens")
            _ = try connection.write(
                "INSERT INTO auth_token (token_sha256, client, scopes, issued_at, expires_at) VALUES (?, ?, ?, ?, ?)",
                [.text(token.tokenSHA256), .text(token.client), .text(token.scopes.joined(separator: " ")),
                 .timestamp(token.issuedAt), .timestamp(token.expiresAt)],
                purpose: "save access token")
        }
    }

    func accessToken(sha256: String) throws -> IssuedAccessToken? {
        try perform(writing: false) {
            try connection.fetchOne(
                "SELECT token_sha256, client, scopes, issued_at, expires_at FROM auth_token WHERE token_sha256 = ?",
                [.text(sha256)], purpose: "read access token"
            ) { row in
                IssuedAccessToken(
                    tokenSHA256: row.text(0), client: row.text(1), scopes: row.text(2).split(separator: " ").map(String.init),
                    issuedAt: row.timestamp(3), expiresAt: row.timestamp(4))
            }
        }
    }
}
