import Foundation
import GatewayCrypto
import IOPDomain

/// The PCP receivers an operator configures for `fhir-gateway deliver --receivers FILE`: each
/// endpoint's key (the practice's id), base URL, delivery profile, optional fallback, and how to
/// authenticate to each route.
///
/// Secrets never sit in the file: a token or client secret is named by an environment variable
/// (`tokenEnv`, `secretEnv`) or a file (`tokenFile`, `secretFile`, `privateKeyFile`), so the file
/// can be kept in version control and the secrets in the platform's secret store. Errors name
/// the endpoint and the setting, never a secret's value.
///
/// ```json
/// {"receivers": [
///   {"key": "practice-cedar", "url": "https://ehr.cedar.example.org/fhir", "profile": "rest",
///    "auth": {"type": "smart-backend-services", "tokenURL": "https://auth.cedar.example.org/token",
///             "clientID": "iop-gateway", "keyID": "iop-2026", "scope": "system/Communication.write",
///             "privateKeyFile": "/etc/iop/cedar.pem", "algorithm": "ES384"},
///    "fallback": {"url": "https://backup.cedar.example.org/fhir", "profile": "note",
///                 "auth": {"type": "bearer", "tokenEnv": "CEDAR_BACKUP_TOKEN"}}}
/// ]}
/// ```
public enum ReceiverConfiguration {
    public struct Problem: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// Reads the file; `environment` is the process's (a parameter for tests).
    public static func load(_ file: URL, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> [OutboundEndpoint] {
        let data: Data
        do { data = try Data(contentsOf: file) } catch { throw Problem(description: "cannot read \(file.path)") }
        let document: Document
        do {
            document = try JSONDecoder().decode(Document.self, from: data)
        } catch let error as DecodingError {
            throw Problem(description: "\(file.path): \(Self.describe(error))")
        }
        var keys: Set<String> = []
        return try document.receivers.map { receiver in
            guard keys.insert(receiver.key).inserted else { throw Problem(description: "receiver '\(receiver.key)' is configured twice") }
            return OutboundEndpoint(
                key: receiver.key, primary: try route(receiver.url, receiver.profile, receiver.auth, key: receiver.key, environment),
                fallback: try receiver.fallback.map { try route($0.url, $0.profile, $0.auth, key: receiver.key + " (fallback)", environment) })
        }
    }

    static func route(_ url: String, _ profile: OutboundDeliveryProfile?, _ auth: Auth?, key: String,
                      _ environment: [String: String]) throws -> EndpointRoute {
        let profile = profile ?? .rest
        guard let parsed = URL(string: url) else { throw Problem(description: "receiver '\(key)': url is not a URL") }
        let target: EndpointTarget
        do { target = try EndpointTarget(baseURL: parsed, deliveryProfile: profile.domainProfile) } catch {
            throw Problem(description: "receiver '\(key)': \(error)")
        }
        return EndpointRoute(target: target, profile: profile, authentication: try authentication(auth, key: key, environment))
    }

    static func authentication(_ auth: Auth?, key: String, _ environment: [String: String]) throws -> ReceiverAuthentication {
        guard let auth else { return .none }
        func secret(_ name: String, env: String?, file: String?) throws -> String {
            if let env {
                guard let value = environment[env], !value.isEmpty else {
                    throw Problem(description: "receiver '\(key)': \(name) names the environment variable \(env), which is not set")
                }
                return value
            }
            if let file {
                guard let value = try? String(contentsOfFile: file, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines),
                      !value.isEmpty else { throw Problem(description: "receiver '\(key)': \(name) file \(file) cannot be read or is empty") }
                return value
            }
            throw Problem(description: "receiver '\(key)': give the \(name) as an environment variable or a file, never in this file")
        }
        func url(_ text: String?, _ name: String) throws -> URL {
            guard let text, let url = URL(string: text), url.scheme == "https" || url.host == "127.0.0.1" || url.host == "localhost" else {
                throw Problem(description: "receiver '\(key)': \(name) must be an https URL")
            }
            return url
        }
        func required(_ value: String?, _ name: String) throws -> String {
            guard let value, !value.isEmpty else { throw Problem(description: "receiver '\(key)': \(name) is missing") }
            return value
        }
        switch auth.type {
        case "none":
            return .none
        case "bearer":
            return .bearer(try secret("token", env: auth.tokenEnv, file: auth.tokenFile))
        case "client-credentials":
            return .clientCredentials(OAuthClientCredentials(
                tokenURL: try url(auth.tokenURL, "tokenURL"), clientID: try required(auth.clientID, "clientID"),
                clientSecret: try secret("client secret", env: auth.secretEnv, file: auth.secretFile), scope: auth.scope))
        case "smart-backend-services":
            guard let algorithm = JWSAlgorithm(rawValue: auth.algorithm ?? "RS384") else {
                throw Problem(description: "receiver '\(key)': algorithm is RS384 or ES384")
            }
            let pem = try secret("private key", env: nil, file: try required(auth.privateKeyFile, "privateKeyFile"))
            do {
                return .smartBackendServices(try SMARTBackendServices(
                    tokenURL: try url(auth.tokenURL, "tokenURL"), clientID: try required(auth.clientID, "clientID"),
                    keyID: try required(auth.keyID, "keyID"), scope: try required(auth.scope, "scope"), privateKeyPEM: pem + "\n",
                    algorithm: algorithm))
            } catch let error as JWSSigningError {
                throw Problem(description: "receiver '\(key)': the private key cannot sign \(algorithm.rawValue): \(error)")
            }
        default:
            throw Problem(description: "receiver '\(key)': auth type is none, bearer, client-credentials or smart-backend-services")
        }
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context): "missing \"\(key.stringValue)\" at \(path(context))"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "unexpected value at \(path(context))"
        @unknown default: "not a receivers file"
        }
    }

    static func path(_ context: DecodingError.Context) -> String {
        context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? "." + $0.stringValue }.joined().trimmingPrefix(".").description
    }

    struct Document: Decodable {
        var receivers: [Receiver]
    }

    struct Receiver: Decodable {
        var key: String
        var url: String
        var profile: OutboundDeliveryProfile?
        var auth: Auth?
        var fallback: Fallback?
    }

    struct Fallback: Decodable {
        var url: String
        var profile: OutboundDeliveryProfile?
        var auth: Auth?
    }

    struct Auth: Decodable {
        var type: String
        var tokenEnv: String?
        var tokenFile: String?
        var tokenURL: String?
        var clientID: String?
        var secretEnv: String?
        var secretFile: String?
        var scope: String?
        var keyID: String?
        var privateKeyFile: String?
        var algorithm: String?
    }
}
