import GatewayCrypto
import Testing

@Suite("libcrypto wrappers")
struct CryptoTests {
    @Test("SHA-256 of the FIPS 180-2 test vectors")
    func vectors() {
        #expect(SHA256Digest.hash(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(SHA256Digest.hash([UInt8]()).hex == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    }

    @Test("hashing in pieces equals hashing at once")
    func incremental() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        var hasher = SHA256Hasher()
        for start in stride(from: 0, to: data.count, by: 4096) {
            hasher.update(data[start..<min(start + 4096, data.count)])
        }
        #expect(hasher.finish() == SHA256Digest.hash(data))
    }

    @Test("constant-time equality and random bytes")
    func equalityAndRandom() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
        let a = SecureRandom.bytes(32), b = SecureRandom.bytes(32)
        #expect(a.count == 32 && a != b)
    }
}
