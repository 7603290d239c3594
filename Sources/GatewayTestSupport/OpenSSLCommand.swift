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
        return try ExternalProgram.run(path, arguments, in: directory)
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

    /// base64url without padding, decoded (for reading a JWS the code under test wrote).
    public static func decodeBase64URL(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
