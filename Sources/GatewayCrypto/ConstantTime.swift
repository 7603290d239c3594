internal import CCrypto

/// Comparisons whose duration does not depend on where two secrets differ (CRYPTO_memcmp), for
/// bearer-token hashes: a byte-by-byte `==` would tell an attacker how much of a guess was right.
public enum ConstantTime {
    public static func equal(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
        guard lhs.count == rhs.count else { return false }
        return lhs.withUnsafeBytes { left in
            rhs.withUnsafeBytes { right in
                CRYPTO_memcmp(left.baseAddress, right.baseAddress, left.count) == 0
            }
        }
    }
}

/// Random bytes from libcrypto's CSPRNG, for generated API tokens.
public enum SecureRandom {
    public static func bytes(_ count: Int) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: count)
        guard RAND_bytes(&output, Int32(count)) == 1 else {
            fatalError("libcrypto's random generator failed")  // never hand out a weak token
        }
        return output
    }
}
