import GatewayCrypto

/// The store's content hash of resource bodies and the import ledger's file key: SHA-256 from
/// OpenSSL's libcrypto (`GatewayCrypto`), as lower-case hex. It identifies content; it is not
/// used for any security decision.
public enum ContentHash {
    public static func sha256Hex(_ bytes: some Collection<UInt8>) -> String {
        SHA256Digest.hash(bytes).hex
    }
}
