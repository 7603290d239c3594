import Foundation
import GatewayCrypto

/// A client configuration that cannot be used. Says which client and why, never a token or hash.
public struct ClientConfigurationError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public var description: String { "\(path): \(reason)" }
}

/// The configuration file: `{"clients":[{"name":"…","tokenSHA256":"<64 hex>","scopes":["system/*.rs"]}]}`.
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
        let file: File
        do {
            file = try JSONDecoder().decode(File.self, from: data)
        } catch {
            throw ClientConfigurationError(path: path, reason: #"is not {"clients":[{"name":…,"tokenSHA256":…,"scopes":[…]}]}"#)
        }
        var clients: [APIClient] = []
        var names: Set<String> = []
        for (index, entry) in file.clients.enumerated() {
            let at = "clients[\(index)]"
            guard !entry.name.isEmpty, names.insert(entry.name).inserted else {
                throw ClientConfigurationError(path: path, reason: "\(at).name is empty or used twice")
            }
            guard let hash = hexBytes(entry.tokenSHA256), hash.count == 32 else {
                throw ClientConfigurationError(path: path, reason: "\(at).tokenSHA256 is not 64 hexadecimal digits")
            }
            var scopes: [SMARTScope] = []
            for text in entry.scopes {
                guard let scope = SMARTScope(text) else {
                    throw ClientConfigurationError(
                        path: path, reason: "\(at): '\(text)' is not a system/ scope (system/Patient.cru, system/*.rs, system/*.read)")
                }
                scopes.append(scope)
            }
            clients.append(APIClient(name: entry.name, tokenSHA256: hash, scopes: scopes))
        }
        return ClientRegistry(clients: clients)
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

    /// Creates the file 0600 from the start (never world-readable for an instant), fsyncs it and
    /// renames it into place.
    static func writePrivately(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())"
        unlink(temporary)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL, 0o600)
        guard descriptor >= 0 else {
            throw ClientConfigurationError(path: path, reason: "cannot be created (errno \(errno))")
        }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw ClientConfigurationError(path: path, reason: "cannot be written")
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw ClientConfigurationError(path: path, reason: "cannot be renamed into place (errno \(errno))")
        }
    }
}
