import Foundation

/// The `openssl` command-line tool, for tests that must check our libcrypto use with something
/// other than our own code: keys made by `openssl genpkey`, JWS signatures checked by
/// `openssl dgst -verify`. Tests that need it skip with `absentMessage` where it is absent.
public enum OpenSSLCommand {
    public static let path: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    }

    public static let absentMessage = "the openssl command is not installed (Debian: apt-get install openssl): skipped"

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// Runs `openssl arguments…` in `directory`; returns its exit status and stdout+stderr.
    @discardableResult
    public static func run(_ arguments: [String], in directory: URL) throws -> (status: Int32, output: String) {
        guard let path else { throw Failure(description: absentMessage) }
        let outcome = try ExternalProgram(path: path).runToEnd(arguments, in: directory)
        return (outcome.status, outcome.output)
    }

    /// A fresh private key (PKCS#8 PEM) in `directory` as `name`.pem and its public key as
    /// `name`.pub.pem: `genpkey` arguments such as `["-algorithm", "EC", "-pkeyopt",
    /// "ec_paramgen_curve:P-384"]`. Returns the private key's PEM text.
    public static func generateKey(_ genpkeyArguments: [String], named name: String, in directory: URL) throws -> String {
        let generated = try run(["genpkey"] + genpkeyArguments + ["-out", name + ".pem"], in: directory)
        guard generated.status == 0 else { throw Failure(description: "openssl genpkey failed: " + generated.output) }
        let exported = try run(["pkey", "-in", name + ".pem", "-pubout", "-out", name + ".pub.pem"], in: directory)
        guard exported.status == 0 else { throw Failure(description: "openssl pkey -pubout failed: " + exported.output) }
        return try String(contentsOf: directory.appendingPathComponent(name + ".pem"), encoding: .utf8)
    }

    /// Whether `openssl dgst -sha384 -verify` accepts a JWS compact serialisation signed with
    /// RS384 or ES384 by the key whose public half is `name`.pub.pem in `directory`. An ES384
    /// signature (r||s) is first turned into the DER that openssl expects, by openssl itself
    /// (`asn1parse -genconf`).
    public static func verifiesJWS(_ jws: String, publicKeyNamed name: String, in directory: URL) throws -> Bool {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 3, let header = decodeBase64URL(parts[0]), let signature = decodeBase64URL(parts[2]),
              let json = try JSONSerialization.jsonObject(with: header) as? [String: Any], let algorithm = json["alg"] as? String
        else { return false }
        try Data((parts[0] + "." + parts[1]).utf8).write(to: directory.appendingPathComponent("jws-input"))
        switch algorithm {
        case "RS384":
            try signature.write(to: directory.appendingPathComponent("jws-signature"))
        case "ES384":
            guard signature.count == 96 else { return false }
            let hex = { (bytes: Data) in bytes.map { String(format: "%02X", $0) }.joined() }
            let configuration = "asn1=SEQUENCE:signature\n[signature]\nr=INTEGER:0x\(hex(signature.prefix(48)))\n"
                + "s=INTEGER:0x\(hex(signature.suffix(48)))\n"
            try Data(configuration.utf8).write(to: directory.appendingPathComponent("jws-signature.cnf"))
            let encoded = try run(["asn1parse", "-genconf", "jws-signature.cnf", "-out", "jws-signature", "-noout"], in: directory)
            guard encoded.status == 0 else { throw Failure(description: "openssl asn1parse -genconf failed: " + encoded.output) }
        default:
            return false
        }
        let verified = try run(
            ["dgst", "-sha384", "-verify", name + ".pub.pem", "-signature", "jws-signature", "jws-input"], in: directory)
        return verified.status == 0 && verified.output.contains("Verified OK")
    }

    /// A JWS compact serialisation signed by `openssl dgst -sha384 -sign` with the private key
    /// `name`.pem in `directory`: RS384 as openssl writes it, ES384 with openssl's DER signature
    /// read back by `openssl asn1parse` into r||s.
    public static func signJWS(header: String, payload: String, privateKeyNamed name: String, in directory: URL) throws -> String {
        let input = encodeBase64URL(Data(header.utf8)) + "." + encodeBase64URL(Data(payload.utf8))
        try Data(input.utf8).write(to: directory.appendingPathComponent("sign-input"))
        let signed = try run(["dgst", "-sha384", "-sign", name + ".pem", "-out", "sign-output", "sign-input"], in: directory)
        guard signed.status == 0 else { throw Failure(description: "openssl dgst -sign failed: " + signed.output) }
        var signature = try Data(contentsOf: directory.appendingPathComponent("sign-output"))
        if header.contains("ES384") {
            let parsed = try run(["asn1parse", "-inform", "DER", "-in", "sign-output"], in: directory)
            let integers = parsed.output.split(separator: "\n").filter { $0.contains("INTEGER") }
                .compactMap { $0.split(separator: ":").last.map(String.init) }
            guard integers.count == 2 else { throw Failure(description: "openssl asn1parse did not show r and s") }
            signature = Data(try integers.flatMap { try fixedWidth(hex: $0, bytes: 48) })
        }
        return input + "." + encodeBase64URL(signature)
    }

    /// The public JWK of `name`.pub.pem, its numbers read from openssl's own text output
    /// (`rsa -modulus`, `-text`), with `kid` and `alg`.
    public static func publicJWK(named name: String, keyID: String, algorithm: String, in directory: URL) throws -> [String: String] {
        if algorithm == "RS384" {
            let modulus = try run(["rsa", "-pubin", "-in", name + ".pub.pem", "-noout", "-modulus"], in: directory).output
            let text = try run(["rsa", "-pubin", "-in", name + ".pub.pem", "-noout", "-text"], in: directory).output
            guard let hex = modulus.split(separator: "=").last?.trimmingCharacters(in: .whitespacesAndNewlines),
                  let exponentLine = text.split(separator: "\n").first(where: { $0.hasPrefix("Exponent:") }),
                  let exponent = UInt32(exponentLine.split(separator: " ")[1])
            else { throw Failure(description: "openssl rsa did not show the modulus and exponent") }
            let exponentBytes = withUnsafeBytes(of: exponent.bigEndian) { Array($0) }.drop { $0 == 0 }
            return ["kty": "RSA", "kid": keyID, "alg": algorithm, "n": encodeBase64URL(Data(try bytes(hex: hex))),
                    "e": encodeBase64URL(Data(exponentBytes))]
        }
        let text = try run(["ec", "-pubin", "-in", name + ".pub.pem", "-noout", "-text"], in: directory).output
        guard let start = text.range(of: "pub:"), let end = text.range(of: "ASN1 OID") else {
            throw Failure(description: "openssl ec did not show the public point")
        }
        let point = try bytes(hex: text[start.upperBound..<end.lowerBound].filter { $0.isHexDigit || $0 == ":" }.replacingOccurrences(of: ":", with: ""))
        guard point.count == 97, point[0] == 4 else { throw Failure(description: "not an uncompressed P-384 point") }
        return ["kty": "EC", "crv": "P-384", "kid": keyID, "alg": algorithm,
                "x": encodeBase64URL(Data(point[1...48])), "y": encodeBase64URL(Data(point[49...96]))]
    }

    static func bytes(hex: String) throws -> [UInt8] {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { throw Failure(description: "odd hex") }
        return try stride(from: 0, to: digits.count, by: 2).map { index in
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else {
                throw Failure(description: "not hex")
            }
            return byte
        }
    }

    static func fixedWidth(hex: String, bytes width: Int) throws -> [UInt8] {
        var value = try bytes(hex: hex.count % 2 == 0 ? hex : "0" + hex)
        while value.count > width, value.first == 0 { value.removeFirst() }
        guard value.count <= width else { throw Failure(description: "an integer wider than the curve") }
        return [UInt8](repeating: 0, count: width - value.count) + value
    }

    public static func encodeBase64URL(_ data: Data) -> String {
        var text = data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
        while text.hasSuffix("=") { text.removeLast() }
        return text
    }

    /// base64url without padding, decoded (for reading a JWS the code under test wrote).
    public static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
