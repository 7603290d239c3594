import Foundation
import Testing
@testable import GatewayStore

/// The token endpoint's state on both engines: a client assertion's jti is accepted once while
/// it can be valid (and again once expired and forgotten), per client; issued tokens are found
/// by their hash, with their scopes and expiry, from another store instance on the database.
@Suite("Token endpoint state: jti replay record and issued tokens")
struct AuthorizationStoreTests {
    static func time(_ seconds: Int64) -> StoreTimestamp { StoreTimestamp(microsecondsSinceEpoch: seconds * 1_000_000) }

    @Test(arguments: StoreEngine.allCases)
    func assertionsAndTokens(engine: StoreEngine) throws {
        let database = try TestDatabase(engine)
        defer { database.remove() }
        let clock = TestClock()
        let start = clock.now.microsecondsSinceEpoch / 1_000_000
        func at(_ offset: Int64) -> StoreTimestamp { Self.time(start + offset) }
        let first = try database.openStore(clock: clock)
        let second = try database.openStore(clock: clock)
        #expect(try first.write { try $0.recordAssertion(client: "cedar", jti: "j1", expiresAt: at(300)) })
        #expect(try second.write { try $0.recordAssertion(client: "cedar", jti: "j1", expiresAt: at(300)) } == false,
                "a replay through another process on the same database")
        #expect(try second.write { try $0.recordAssertion(client: "birch", jti: "j1", expiresAt: at(300)) },
                "jti is unique per client (RFC 7523: per issuer)")
        clock.advance(seconds: 301)
        #expect(try first.write { try $0.recordAssertion(client: "cedar", jti: "j1", expiresAt: at(600)) },
                "an expired record is forgotten; the assertion itself would be refused as expired")

        let hash = String(repeating: "ab", count: 32)
        let token = IssuedAccessToken(
            tokenSHA256: hash, client: "cedar", scopes: ["system/Patient.rs", "system/Observation.rs?category=laboratory"],
            issuedAt: at(301), expiresAt: at(601))
        try first.write { try $0.saveAccessToken(token) }
        #expect(try second.read { try $0.accessToken(sha256: hash) } == token)
        #expect(try second.read { try $0.accessToken(sha256: String(repeating: "cd", count: 32)) } == nil)
        #expect(throws: StoreError.self) {
            try first.write { try $0.saveAccessToken(IssuedAccessToken(tokenSHA256: "short", client: "c", scopes: [], issuedAt: at(1), expiresAt: at(2))) }
        }
        // A later token's write forgets expired ones.
        clock.advance(seconds: 699)
        try first.write { try $0.saveAccessToken(IssuedAccessToken(tokenSHA256: String(repeating: "ef", count: 32), client: "cedar", scopes: [], issuedAt: at(1000), expiresAt: at(1300))) }
        #expect(try second.read { try $0.accessToken(sha256: hash) } == nil)
    }
}
