import Foundation
import Testing
import GatewayStore

@Suite("SHA-256")
struct ContentHashTests {
    /// FIPS 180-4 examples and NIST CAVS short-message vectors.
    @Test(arguments: [
        ("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        ("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
        ("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
         "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
        ("The quick brown fox jumps over the lazy dog",
         "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592"),
    ])
    func knownDigests(input: String, expected: String) {
        #expect(ContentHash.sha256Hex(Array(input.utf8)) == expected)
    }

    @Test func oneMillionAs() {
        let input = [UInt8](repeating: 0x61, count: 1_000_000)
        #expect(ContentHash.sha256Hex(input) == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func everyPaddingBoundary() {
        // 55, 56, 63, 64 and 65 bytes straddle the one- and two-block paddings.
        let digests = [55, 56, 63, 64, 65].map { ContentHash.sha256Hex([UInt8](repeating: 0x61, count: $0)) }
        #expect(Set(digests).count == 5)
        #expect(digests[3] == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
    }
}

@Suite("Timestamps")
struct StoreTimestampTests {
    @Test func fhirInstantKeepsMicroseconds() {
        #expect(StoreTimestamp(microsecondsSinceEpoch: 1_714_554_000_000_125).fhirInstant == "2024-05-01T09:00:00.000125Z")
        #expect(StoreTimestamp(microsecondsSinceEpoch: 0).fhirInstant == "1970-01-01T00:00:00.000000Z")
        #expect(StoreTimestamp(microsecondsSinceEpoch: -1).fhirInstant == "1969-12-31T23:59:59.999999Z")
    }

    @Test func durationsAndDatesRoundTrip() {
        let start = StoreTimestamp(microsecondsSinceEpoch: 1_000_000)
        #expect(start.adding(.milliseconds(1500)).microsecondsSinceEpoch == 2_500_000)
        #expect(start.adding(.seconds(-1)).microsecondsSinceEpoch == 0)
        #expect(StoreTimestamp(start.date) == start)
    }
}
