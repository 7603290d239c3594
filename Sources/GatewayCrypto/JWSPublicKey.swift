internal import CCrypto

/// A client's public key from its JWK (RFC 7517 §4, RFC 7518 §6): an RSA key (`n`, `e`) for
/// RS384 or a P-384 EC key (`x`, `y`) for ES384, built by libcrypto from the key's numbers
/// (`EVP_PKEY_fromdata`), that verifies JWS signatures (`EVP_DigestVerify`).
///
/// A key serves exactly one algorithm: an RSA key never verifies an ES384 signature or the
/// other way round, and no key verifies `none` or an HMAC, whatever a token's header says.
///
/// `@unchecked Sendable`: the key is never changed after loading, and each verification uses
/// its own `EVP_MD_CTX`, which OpenSSL 3 allows from any thread.
public final class JWSPublicKey: @unchecked Sendable {
    public let algorithm: JWSAlgorithm
    /// The JWK's `kid`, by which a token's header selects the key.
    public let keyID: String?
    private let key: OpaquePointer

    /// An RSA public key of at least 2048 bits (RFC 7518 §3.3), from the big-endian bytes of
    /// its modulus and exponent.
    public init(rsaModulus modulus: [UInt8], exponent: [UInt8], keyID: String?) throws(JWSSigningError) {
        guard modulus.count * 8 >= 2048, !exponent.isEmpty else {
            throw JWSSigningError("RS384 needs an RSA public key of at least 2048 bits")
        }
        key = try Self.fromData(keyType: "RSA") { builder in
            guard let n = BN_bin2bn(modulus, Int32(modulus.count), nil) else { return false }
            guard let e = BN_bin2bn(exponent, Int32(exponent.count), nil) else {
                BN_free(n)
                return false
            }
            // The builder refers to the numbers until it is turned into parameters; they are
            // freed after that (see `fromData`), through the `owned` list.
            builder.owned.append(n)
            builder.owned.append(e)
            return OSSL_PARAM_BLD_push_BN(builder.pointer, ParameterBuilder.name("n"), n) == 1
                && OSSL_PARAM_BLD_push_BN(builder.pointer, ParameterBuilder.name("e"), e) == 1
        }
        guard EVP_PKEY_get_bits(key) >= 2048 else {
            EVP_PKEY_free(key)
            throw JWSSigningError("RS384 needs an RSA public key of at least 2048 bits")
        }
        algorithm = .rs384
        self.keyID = keyID
    }

    /// A P-384 public key from its affine coordinates (48 bytes each, big-endian). A point
    /// that is not on the curve is refused.
    public init(p384X x: [UInt8], y: [UInt8], keyID: String?) throws(JWSSigningError) {
        guard x.count == 48, y.count == 48 else {
            throw JWSSigningError("an ES384 key's x and y are 48 bytes each")
        }
        let point = [0x04] + x + y  // SEC 1 §2.3.3, uncompressed
        key = try Self.fromData(keyType: "EC") { builder in
            OSSL_PARAM_BLD_push_utf8_string(builder.pointer, ParameterBuilder.name("group"), ParameterBuilder.name("secp384r1"), 0) == 1
                && OSSL_PARAM_BLD_push_octet_string(builder.pointer, ParameterBuilder.name("pub"), builder.keep(point), point.count) == 1
        }
        algorithm = .es384
        self.keyID = keyID
    }

    deinit {
        EVP_PKEY_free(key)
    }

    /// Whether `signature` is this key's signature of `input` (the ASCII of
    /// `base64url(header).base64url(payload)`): PKCS#1 v1.5 with SHA-384 for RS384, r||s of 96
    /// bytes for ES384.
    public func verifies(_ signature: [UInt8], of input: [UInt8]) -> Bool {
        let encoded: [UInt8]
        switch algorithm {
        case .rs384: encoded = signature
        case .es384:
            guard let der = Self.derECDSA(raw: signature, coordinateBytes: 48) else { return false }
            encoded = der
        }
        guard let context = EVP_MD_CTX_new() else { return false }
        defer { EVP_MD_CTX_free(context) }
        defer { ERR_clear_error() }  // a refused signature leaves its reasons on this thread's queue
        guard EVP_DigestVerifyInit(context, nil, EVP_sha384(), nil, key) == 1 else { return false }
        return EVP_DigestVerify(context, encoded, encoded.count, input, input.count) == 1
    }

    /// An `OSSL_PARAM_BLD` and what it refers to. The builder keeps pointers, not copies, to
    /// parameter names, numbers and buffers until `OSSL_PARAM_BLD_to_param`, so names are
    /// static strings (a Swift `String` passed as `const char *` lives only for the call — the
    /// OpenSSL names such as `OSSL_PKEY_PARAM_RSA_N` would be imported as exactly that) and
    /// buffers are copied into memory freed with the builder.
    private final class ParameterBuilder {
        let pointer: OpaquePointer
        var owned: [OpaquePointer] = []
        private var buffers: [UnsafeMutableRawBufferPointer] = []

        init(_ pointer: OpaquePointer) { self.pointer = pointer }

        deinit {
            for buffer in buffers { buffer.deallocate() }
        }

        /// A name that outlives the builder: a literal, stored NUL-terminated in the binary.
        static func name(_ literal: StaticString) -> UnsafePointer<CChar> {
            UnsafeRawPointer(literal.utf8Start).assumingMemoryBound(to: CChar.self)
        }

        /// A copy of `bytes` that lives as long as this builder.
        func keep(_ bytes: [UInt8]) -> UnsafeRawPointer {
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(1, bytes.count), alignment: 1)
            buffer.copyBytes(from: bytes)
            buffers.append(buffer)
            return UnsafeRawPointer(buffer.baseAddress!)
        }
    }

    /// A public key of `keyType` from the parameters `fill` pushes, checked by libcrypto
    /// (`EVP_PKEY_public_check`: for EC, that the point is on the curve).
    private static func fromData(
        keyType: String, _ fill: (ParameterBuilder) -> Bool
    ) throws(JWSSigningError) -> OpaquePointer {
        defer { ERR_clear_error() }
        guard let pointer = OSSL_PARAM_BLD_new() else { throw JWSSigningError("libcrypto could not allocate a key builder") }
        let builder = ParameterBuilder(pointer)
        defer {
            OSSL_PARAM_BLD_free(pointer)
            for number in builder.owned { BN_free(number) }
        }
        guard fill(builder), let parameters = OSSL_PARAM_BLD_to_param(pointer) else {
            throw JWSSigningError("the key's numbers are not usable")
        }
        defer { OSSL_PARAM_free(parameters) }
        guard let context = EVP_PKEY_CTX_new_from_name(nil, keyType, nil) else {
            throw JWSSigningError("libcrypto does not know \(keyType) keys")
        }
        defer { EVP_PKEY_CTX_free(context) }
        var key: OpaquePointer?
        guard EVP_PKEY_fromdata_init(context) == 1,
              EVP_PKEY_fromdata(context, &key, iop_evp_pkey_public_key_selection(), parameters) == 1,
              let made = key
        else { throw JWSSigningError("the key's numbers do not make a \(keyType) public key") }
        guard let check = EVP_PKEY_CTX_new_from_pkey(nil, made, nil) else {
            EVP_PKEY_free(made)
            throw JWSSigningError("libcrypto could not check the key")
        }
        defer { EVP_PKEY_CTX_free(check) }
        guard EVP_PKEY_public_check(check) == 1 else {
            EVP_PKEY_free(made)
            throw JWSSigningError("the key's numbers do not make a valid \(keyType) public key")
        }
        return made
    }

    /// JWS carries r||s at a fixed width; libcrypto verifies the DER SEQUENCE of two INTEGERs.
    private static func derECDSA(raw: [UInt8], coordinateBytes: Int) -> [UInt8]? {
        guard raw.count == 2 * coordinateBytes, let signature = ECDSA_SIG_new() else { return nil }
        defer { ECDSA_SIG_free(signature) }
        guard let r = BN_bin2bn(raw, Int32(coordinateBytes), nil) else { return nil }
        guard let s = raw.withUnsafeBufferPointer({ BN_bin2bn($0.baseAddress! + coordinateBytes, Int32(coordinateBytes), nil) })
        else {
            BN_free(r)
            return nil
        }
        guard ECDSA_SIG_set0(signature, r, s) == 1 else {  // on success the signature owns r and s
            BN_free(r)
            BN_free(s)
            return nil
        }
        let length = i2d_ECDSA_SIG(signature, nil)
        guard length > 0 else { return nil }
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer -> Int32 in
            var cursor = buffer.baseAddress
            return i2d_ECDSA_SIG(signature, &cursor)
        }
        return written == length ? der : nil
    }
}
