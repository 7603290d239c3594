import Foundation
import GatewayCrypto
import GatewayStore

/// A client configuration that cannot be used. Says which client and why, never a token or hash.
public struct ClientConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The configuration file:
///
///     {"clients": [
///       {"name": "local", "tokenSHA256": "<64 hex>", "scopes": ["system/*.*"]},
///       {"name": "cedar-ehr", "scopes": ["system/Patient.rs", "system/DocumentReference.rs?category=…"],
///        "jwks": {"keys": [ … ]}  or  "jwksFile": "cedar.jwks.json",
///        "organizations": ["Organization/cedar", "http://hl7.org/fhir/sid/us-npi|1234567893"]}]}
///
/// A client has a static token (`tokenSHA256`), registered public keys for SMART Backend
/// Services (`jwks`, or `jwksFile` relative to this file's folder), or both. `name` is the
/// client id its assertions carry as `iss` and `sub`.
extension ClientRegistry {
    struct File: Codable {
        struct Client: Codable {
            var name: String
            var tokenSHA256: String
            var scopes: [String]
        }
        var clients: [Client]
    }

    /// The file's name under the data folder when `serve` generates the local token.
    public static let localFileName = "clients.json"

    /// Reads a configuration file; every problem is an error, so a typo in a scope cannot
    /// quietly lock a client out (or let one in).
    public static func load(path: String) throws(ClientConfigurationError) -> ClientRegistry {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ClientConfigurationError(path: path, reason: "cannot be read")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              let entries = object["clients"] as? [Any]
        else {
            throw ClientConfigurationError(path: path, reason: #"is not {"clients":[{"name":…,"scopes":[…],"tokenSHA256" or "jwks":…}]}"#)
        }
        let folder = (path as NSString).deletingLastPathComponent
        var clients: [APIClient] = []
        var keys: [String: JSONWebKeySet] = [:]
        var names: Set<String> = []
        for (index, item) in entries.enumerated() {
            let at = "clients[\(index)]"
            func fail(_ reason: String) -> ClientConfigurationError { ClientConfigurationError(path: path, reason: "\(at)\(reason)") }
            guard let entry = item as? [String: Any] else { throw fail(" is not an object") }
            guard let name = entry["name"] as? String, !name.isEmpty, names.insert(name).inserted else {
                throw fail(".name is missing, empty or used twice")
            }
            var hash: [UInt8]?
            if let text = entry["tokenSHA256"] {
                guard let text = text as? String, let bytes = hexBytes(text), bytes.count == 32 else {
                    throw fail(".tokenSHA256 is not 64 hexadecimal digits")
                }
                hash = bytes
            }
            if let set = try keySet(entry, folder: folder, fail: fail) { keys[name] = set }
            guard hash != nil || keys[name] != nil else { throw fail(" has neither tokenSHA256 nor jwks/jwksFile: it could never authenticate") }
            guard let scopeTexts = entry["scopes"] as? [String] else { throw fail(".scopes is not a list of strings") }
            var scopes: [SMARTScope] = []
            for text in scopeTexts {
                guard let scope = SMARTScope(text) else {
                    throw fail(": '\(text)' is not a system/ scope (system/Patient.cru, system/*.rs, system/Observation.rs?category=laboratory)")
                }
                if let restriction = scope.restriction, scope.resourceType != "*",
                   DataBoundary.restriction(restriction, type: scope.resourceType) == .id([]) {
                    throw fail(": the restriction of '\(text)' is not a search this server can apply to \(scope.resourceType)")
                }
                scopes.append(scope)
            }
            var organizations: [OrganizationSelector] = []
            if let listed = entry["organizations"] {
                guard let texts = listed as? [String] else { throw fail(".organizations is not a list of strings") }
                for text in texts {
                    guard let selector = OrganizationSelector(text) else {
                        throw fail(": organization '\(text)' is neither Organization/<id> nor <system>|<value>")
                    }
                    organizations.append(selector)
                }
                guard !organizations.isEmpty else { throw fail(".organizations is empty: leave it out for no boundary") }
            }
            clients.append(APIClient(name: name, tokenSHA256: hash, scopes: scopes, organizations: organizations))
        }
        return ClientRegistry(clients: clients, keys: keys)
    }

    /// The client's `jwks` (inline) or `jwksFile` (relative to the clients file), nil for neither.
    private static func keySet(
        _ entry: [String: Any], folder: String, fail: (String) -> ClientConfigurationError
    ) throws(ClientConfigurationError) -> JSONWebKeySet? {
        let data: Data
        let field: String
        switch (entry["jwks"], entry["jwksFile"]) {
        case (nil, nil): return nil
        case (let inline?, nil):
            guard JSONSerialization.isValidJSONObject(inline), let encoded = try? JSONSerialization.data(withJSONObject: inline) else {
                throw fail(".jwks is not a JWK Set")
            }
            (data, field) = (encoded, "jwks")
        case (nil, let file?):
            guard let file = file as? String else { throw fail(".jwksFile is not a path") }
            let resolved = file.hasPrefix("/") ? file : (folder as NSString).appendingPathComponent(file)
            guard let contents = FileManager.default.contents(atPath: resolved) else { throw fail(".jwksFile cannot be read") }
            (data, field) = (contents, "jwksFile")
        default:
            throw fail(" has both jwks and jwksFile: give one")
        }
        do {
            return try JSONWebKeySet(json: data)
        } catch {
            throw fail(".\(field) \(error.description)")
        }
    }

    /// `<folder>/clients.json`, created on first use with one client, `local`, granted
    /// `system/*.*`, whose new token is returned (the only time it exists outside the client's
    /// hands: only its hash is written). Later calls read the file and return no token.
    ///
    /// The file is written with mode 0600 through a temporary file and a rename, so a crash
    /// leaves either no file (and a new token next start) or a complete one.
    public static func openLocal(folder: String) throws -> (registry: ClientRegistry, generatedToken: String?) {
        let path = (folder as NSString).appendingPathComponent(localFileName)
        if FileManager.default.fileExists(atPath: path) {
            return (try load(path: path), nil)
        }
        let token = base64URL(SecureRandom.bytes(32))
        let digest = SHA256Digest.hash(Array(token.utf8))
        let file = File(clients: [File.Client(name: "local", tokenSHA256: digest.hex, scopes: ["system/*.*"])])
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try writePrivately(try encoder.encode(file), to: path)
        return (try load(path: path), token)
    }

    /// base64url without padding (RFC 4648 §5), so the token needs no escaping in a header or shell.
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hexBytes(_ text: String) -> [UInt8]? {
        let digits = Array(text.lowercased().utf8)
        guard digits.count % 2 == 0 else { return nil }
        func value(_ digit: UInt8) -> UInt8? {
            switch digit {
            case 0x30...0x39: digit - 0x30
            case 0x61...0x66: digit - 0x61 + 10
            default: nil
            }
        }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = value(digits[index]), let low = value(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    /// Through `PrivateFile.write`: 0600 from the start, synced, renamed into place.
    static func writePrivately(_ data: Data, to path: String) throws {
        do {
            try PrivateFile.write(data, to: path)
        } catch {
            throw ClientConfigurationError(path: path, reason: "cannot be written")
        }
    }
}
