internal import CCrypto
import Foundation

/// The JWS algorithms the gateway signs with (RFC 7518 §3.1): the two SMART Backend Services
/// names (hl7.org/fhir/smart-app-launch/backend-services.html, "RS384 or ES384").
public enum JWSAlgorithm: String, Sendable, Hashable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-384; the key must have at least 2048 bits (RFC 7518 §3.3).
    case rs384 = "RS384"
    /// ECDSA on P-384 with SHA-384; the signature is r||s, 48 bytes each (RFC 7518 §3.4).
    case es384 = "ES384"
}

/// Why a key could not be loaded or used. Never carries key material.
public struct JWSSigningError: Error, Sendable, Hashable, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}

/// A private key read from PEM (PKCS#8, or the traditional RSA/EC forms) that signs JWS inputs
/// through libcrypto's EVP interface.
///
/// `@unchecked Sendable`: the key is never changed after loading, and each signature uses its
/// own `EVP_MD_CTX`, which OpenSSL 3 allows from any thread.
public final class JWSSigner: @unchecked Sendable {
    public let algorithm: JWSAlgorithm
    private let key: OpaquePointer

    /// Fails for an unreadable or passphrase-protected PEM, or a key that does not fit the
    /// algorithm (RS384: RSA of 2048 bits or more; ES384: an EC key on P-384).
    public init(privateKeyPEM: String, algorithm: JWSAlgorithm) throws(JWSSigningError) {
        let bytes = Array(privateKeyPEM.utf8)
        let loaded: OpaquePointer? = bytes.withUnsafeBytes { buffer in
            guard let bio = BIO_new_mem_buf(buffer.baseAddress, Int32(buffer.count)) else { return nil }
            defer { BIO_free(bio) }
            // A callback that supplies no passphrase: OpenSSL's default would prompt on the terminal.
            return PEM_read_bio_PrivateKey(bio, nil, { _, _, _, _ in 0 }, nil)
        }
        ERR_clear_error()  // a failed read leaves its reasons on this thread's error queue
        guard let key = loaded else {
            throw JWSSigningError("the private key is not an unencrypted PEM private key")
        }
        switch algorithm {
        case .rs384:
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA, EVP_PKEY_get_bits(key) >= 2048 else {
                EVP_PKEY_free(key)
                throw JWSSigningError("RS384 needs an RSA private key of at least 2048 bits")
            }
        case .es384:
            guard EVP_PKEY_get_base_id(key) == EVP_PKEY_EC, Self.groupName(key) == "secp384r1" else {
                EVP_PKEY_free(key)
                throw JWSSigningError("ES384 needs an EC private key on the P-384 curve")
            }
        }
        self.key = key
        self.algorithm = algorithm
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// The JWS signature of `input` (the ASCII of `base64url(header).base64url(payload)`), as
    /// the JWS carries it: PKCS#1 v1.5 bytes for RS384, r||s (96 bytes) for ES384.
    public func sign(_ input: [UInt8]) throws(JWSSigningError) -> [UInt8] {
        guard let context = EVP_MD_CTX_new() else { throw JWSSigningError("libcrypto could not allocate a signing context") }
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestSignInit(context, nil, EVP_sha384(), nil, key) == 1 else {
            ERR_clear_error()
            throw JWSSigningError("libcrypto refused to sign with this key")
        }
        var length = 0
        guard EVP_DigestSign(context, nil, &length, input, input.count) == 1 else {
            ERR_clear_error()
            throw JWSSigningError("libcrypto could not size the signature")
        }
        var signature = [UInt8](repeating: 0, count: length)
        guard EVP_DigestSign(context, &signature, &length, input, input.count) == 1 else {
            ERR_clear_error()
            throw JWSSigningError("libcrypto could not sign")
        }
        signature.removeLast(signature.count - length)
        switch algorithm {
        case .rs384: return signature
        case .es384: return try Self.rawECDSA(der: signature, coordinateBytes: 48)
        }
    }

    /// The JWS compact serialisation (RFC 7515 §7.1) of a header and payload (UTF-8 JSON).
    public func compactJWS(header: [UInt8], payload: [UInt8]) throws(JWSSigningError) -> String {
        let input = Base64URL.encode(header) + "." + Base64URL.encode(payload)
        return input + "." + Base64URL.encode(try sign(Array(input.utf8)))
    }

    /// libcrypto's ECDSA signature is DER (SEQUENCE of INTEGER r, s); JWS wants r and s as
    /// fixed-width big-endian numbers, concatenated (RFC 7518 §3.4).
    private static func rawECDSA(der: [UInt8], coordinateBytes: Int) throws(JWSSigningError) -> [UInt8] {
        let parsed: OpaquePointer? = der.withUnsafeBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return d2i_ECDSA_SIG(nil, &cursor, buffer.count)
        }
        guard let signature = parsed else {
            ERR_clear_error()
            throw JWSSigningError("libcrypto returned an unreadable ECDSA signature")
        }
        defer { ECDSA_SIG_free(signature) }
        var raw = [UInt8](repeating: 0, count: 2 * coordinateBytes)
        let written = raw.withUnsafeMutableBufferPointer { buffer -> Bool in
            guard let base = buffer.baseAddress else { return false }
            return BN_bn2binpad(ECDSA_SIG_get0_r(signature), base, Int32(coordinateBytes)) == coordinateBytes
                && BN_bn2binpad(ECDSA_SIG_get0_s(signature), base + coordinateBytes, Int32(coordinateBytes)) == coordinateBytes
        }
        guard written else { throw JWSSigningError("the ECDSA signature does not fit the curve's size") }
        return raw
    }

    private static func groupName(_ key: OpaquePointer) -> String? {
        var name = [CChar](repeating: 0, count: 64)
        var length = 0
        guard EVP_PKEY_get_group_name(key, &name, name.count, &length) == 1 else {
            ERR_clear_error()
            return nil
        }
        return String(decoding: name.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
