internal import CCrypto

/// A SHA-256 digest computed by OpenSSL's libcrypto (EVP interface), incrementally, so a file of
/// any size is hashed in constant memory.
public struct SHA256Digest: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]

    /// Lower-case hexadecimal, as the import ledger and token store keep it.
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    public var description: String { hex }

    public static func hash(_ data: some Collection<UInt8>) -> SHA256Digest {
        var hasher = SHA256Hasher()
        hasher.update(data)
        return hasher.finish()
    }

    /// The digest of several strings, each preceded by its UTF-8 length as 8 bytes big-endian,
    /// so `["ab", "c"]` and `["a", "bc"]` differ and no part can fake a boundary: for ids and
    /// fingerprints derived from input.
    public static func hash(lengthPrefixed parts: [String]) -> SHA256Digest {
        var encoding: [UInt8] = []
        for part in parts {
            let bytes = Array(part.utf8)
            withUnsafeBytes(of: UInt64(bytes.count).bigEndian) { encoding.append(contentsOf: $0) }
            encoding.append(contentsOf: bytes)
        }
        return hash(encoding)
    }
}

/// Feeds data in pieces; `finish()` gives the digest. Not Sendable: one hasher, one owner.
public struct SHA256Hasher: ~Copyable {
    private let context: OpaquePointer

    public init() {
        guard let context = EVP_MD_CTX_new(), EVP_DigestInit_ex(context, EVP_sha256(), nil) == 1 else {
            // Allocation failure or a libcrypto without SHA-256: nothing sensible to continue with.
            fatalError("libcrypto cannot provide SHA-256")
        }
        self.context = context
    }

    public mutating func update(_ data: some Collection<UInt8>) {
        let contiguous: Bool? = data.withContiguousStorageIfAvailable { buffer in
            _ = EVP_DigestUpdate(context, buffer.baseAddress, buffer.count)
            return true
        }
        if contiguous == nil {
            let copy = Array(data)
            copy.withUnsafeBufferPointer { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        }
    }

    public consuming func finish() -> SHA256Digest {
        var output = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &output, &length)
        return SHA256Digest(bytes: Array(output.prefix(Int(length))))
    }

    deinit {
        EVP_MD_CTX_free(context)
    }
}
