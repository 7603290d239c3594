import GatewayCrypto

/// A caller of the FHIR API: a name for the audit log (and, for SMART Backend Services, the
/// client id its assertions name), how it authenticates, the scopes it may have, and the
/// organizations whose patients bound what it sees.
public struct APIClient: Sendable, Hashable {
    public var name: String
    /// SHA-256 of a static token's UTF-8 bytes (the token itself is never kept); nil for a
    /// client that only authenticates with signed assertions.
    public var tokenSHA256: [UInt8]?
    public var scopes: [SMARTScope]
    /// Empty: no organization boundary. Otherwise the client sees and writes only what lies in
    /// the compartments of these organizations' patients (`DataBoundary`).
    public var organizations: [OrganizationSelector]

    public init(name: String, tokenSHA256: [UInt8]?, scopes: [SMARTScope], organizations: [OrganizationSelector] = []) {
        self.name = name
        self.tokenSHA256 = tokenSHA256
        self.scopes = scopes
        self.organizations = organizations
    }

    /// The same client holding only `granted` (an access token's scopes).
    func holding(_ granted: [SMARTScope]) -> APIClient {
        var copy = self
        copy.scopes = granted
        return copy
    }

    /// For each requested scope, what the registration allows of it; empty when nothing.
    func grant(_ requested: [SMARTScope]) -> [SMARTScope] {
        var granted: [SMARTScope] = []
        for scope in requested {
            for allowed in scopes {
                if let common = scope.intersection(allowed), !granted.contains(common) { granted.append(common) }
            }
        }
        return granted
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

/// The clients allowed to call the API, and the public keys of those that sign assertions.
public struct ClientRegistry: Sendable {
    public let clients: [APIClient]
    /// By client name: the keys its assertions are verified with.
    public let keys: [String: JSONWebKeySet]

    public init(clients: [APIClient], keys: [String: JSONWebKeySet] = [:]) {
        self.clients = clients
        self.keys = keys
    }

    public func client(named name: String) -> APIClient? {
        clients.first { $0.name == name }
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
        // A client without a static token is compared against 32 bytes no SHA-256 will be
        // found equal to in practice, so every client costs the same.
        let none = [UInt8](repeating: 0, count: 32)
        for client in clients where compare(client.tokenSHA256 ?? none, digest) && client.tokenSHA256 != nil && found == nil {
            found = client
        }
        return found
    }
}
