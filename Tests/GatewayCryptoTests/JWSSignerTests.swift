import Foundation
import GatewayCrypto
import GatewayTestSupport
import Testing

/// The JWS signer against keys made by `openssl genpkey`, its signatures checked by
/// `openssl dgst -verify` (never by our own code).
@Suite("JWS signing through libcrypto (RS384, ES384)", .enabled(if: OpenSSLCommand.path != nil, "the openssl command is not installed (Debian: apt-get install openssl): skipped"))
struct JWSSignerTests {
    static let rsa = ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
    static let p384 = ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]

    func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("jws-" + UUID().uuidString)
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test("a signature openssl verifies, for each algorithm; ES384 is 96 bytes of r||s", arguments: JWSAlgorithm.allCases)
    func signsWhatOpenSSLVerifies(algorithm: JWSAlgorithm) throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let pem = try OpenSSLCommand.generateKey(algorithm == .rs384 ? Self.rsa : Self.p384, named: "key", in: folder)
        let signer = try JWSSigner(privateKeyPEM: pem, algorithm: algorithm)
        let jws = try signer.compactJWS(header: Array(#"{"alg":"\#(algorithm.rawValue)","typ":"JWT"}"#.utf8),
                                        payload: Array(#"{"iss":"gateway"}"#.utf8))
        #expect(try OpenSSLCommand.verifiesJWS(jws, publicKeyNamed: "key", in: folder))
        let signature = try #require(OpenSSLCommand.decodeBase64URL(String(jws.split(separator: ".")[2])))
        #expect(signature.count == (algorithm == .rs384 ? 256 : 96))
        // A changed payload no longer verifies under the same signature.
        let parts = jws.split(separator: ".")
        let forged = parts[0] + "." + Base64URL.encode(Array(#"{"iss":"someone"}"#.utf8)) + "." + parts[2]
        #expect(try !OpenSSLCommand.verifiesJWS(String(forged), publicKeyNamed: "key", in: folder))
    }

    @Test("keys that do not fit the algorithm, and text that is no key, are refused with a clear error")
    func refusesUnfitKeys() throws {
        let folder = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let rsa = try OpenSSLCommand.generateKey(Self.rsa, named: "rsa", in: folder)
        let p256 = try OpenSSLCommand.generateKey(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], named: "p256", in: folder)
        let small = try OpenSSLCommand.generateKey(["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"], named: "small", in: folder)
        #expect(throws: JWSSigningError.self) { try JWSSigner(privateKeyPEM: rsa, algorithm: .es384) }
        #expect(throws: JWSSigningError.self) { try JWSSigner(privateKeyPEM: p256, algorithm: .es384) }
        #expect(throws: JWSSigningError.self) { try JWSSigner(privateKeyPEM: small, algorithm: .rs384) }
        do {
            _ = try JWSSigner(privateKeyPEM: "-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n", algorithm: .rs384)
            Issue.record("garbage was accepted as a key")
        } catch {
            #expect(error.description == "the private key is not an unencrypted PEM private key")
        }
        // A passphrase-protected key is refused, not prompted for.
        let locked = try OpenSSLCommand.run(["pkey", "-in", "rsa.pem", "-aes256", "-passout", "pass:secret", "-out", "locked.pem"], in: folder)
        #expect(locked.status == 0)
        let lockedPEM = try String(contentsOf: folder.appendingPathComponent("locked.pem"), encoding: .utf8)
        #expect(throws: JWSSigningError.self) { try JWSSigner(privateKeyPEM: lockedPEM, algorithm: .rs384) }
    }

    @Test("base64url: no padding, URL-safe alphabet")
    func base64URL() {
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.encode(Array("ab".utf8)) == "YWI")
        #expect(Base64URL.encode([]) == "")
    }
}
