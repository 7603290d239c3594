import GatewayCrypto
import GatewayStore
import Synchronization

/// The access tokens the token endpoint issued, looked up by their SHA-256 in the store (so a
/// token issued by one gateway process works on every other one) and remembered here once
/// found, since a token never changes until it expires. Only hashes are held, as in the store.
final class IssuedTokens: Sendable {
    private let store: any GatewayStore
    private let found = Mutex<[String: IssuedAccessToken]>([:])
    /// Tokens remembered at most; the memory is emptied when it fills (the store still answers).
    static let capacity = 10_000

    init(store: any GatewayStore) {
        self.store = store
    }

    /// The issued token whose SHA-256 this is (expired or not), nil when none was issued.
    func token(sha256 hash: String) async throws -> IssuedAccessToken? {
        if let known = found.withLock({ $0[hash] }) { return known }
        guard let stored = try await store.readAsync({ try $0.accessToken(sha256: hash) }) else { return nil }
        found.withLock { memory in
            if memory.count >= Self.capacity { memory.removeAll(keepingCapacity: true) }
            memory[hash] = stored
        }
        return stored
    }
}
