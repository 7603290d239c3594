import GatewayCrypto

/// A caller of the FHIR API: a name for the audit log, the SHA-256 of its bearer token (the
/// token itself is never kept), and the scopes it was granted.
public struct APIClient: Sendable, Hashable {
    public var name: String
    /// SHA-256 of the token's UTF-8 bytes.
    public var tokenSHA256: [UInt8]
    public var scopes: [SMARTScope]

    public init(name: String, tokenSHA256: [UInt8], scopes: [SMARTScope]) {
        self.name = name
        self.tokenSHA256 = tokenSHA256
        self.scopes = scopes
    }

    /// The lower-case hex SHA-256 of a token, as a configuration file's `tokenSHA256` holds it.
    public static func tokenSHA256Hex(_ token: String) -> String {
        SHA256Digest.hash(Array(token.utf8)).hex
    }

    public func allows(_ interaction: ResourceInteraction, on type: String) -> Bool {
        scopes.contains { $0.allows(interaction, on: type) }
    }

    /// What one request (or one Bundle entry) needs.
    func allows(_ need: AccessNeed) -> Bool {
        switch need.requirement {
        case .interaction(let interaction): allows(interaction, on: need.resourceType)
        case .anyOnType: scopes.contains { $0.coversType(need.resourceType) }
        }
    }
}

/// The clients allowed to call the API.
public struct ClientRegistry: Sendable {
    public let clients: [APIClient]

    public init(clients: [APIClient]) {
        self.clients = clients
    }

    /// The client whose token hash equals the presented token's, or nil.
    ///
    /// The presented token is hashed and compared with EVERY client's hash with
    /// `ConstantTime.equal` (CRYPTO_memcmp), without stopping at a match, so the time taken
    /// says neither how much of a guess was right nor which client it matched.
    public func authenticate(token: String) -> APIClient? {
        authenticate(token: token, compare: ConstantTime.equal)
    }

    /// `compare` is `ConstantTime.equal`; tests pass a spy to see what is compared.
    func authenticate(token: String, compare: ([UInt8], [UInt8]) -> Bool) -> APIClient? {
        let digest = SHA256Digest.hash(Array(token.utf8)).bytes
        var found: APIClient?
        for client in clients where compare(client.tokenSHA256, digest) && found == nil {
            found = client
        }
        return found
    }
}
