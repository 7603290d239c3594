import Foundation
import GatewayStore
import GatewayTestSupport
import Testing
@testable import Outbound

/// `deliver --receivers FILE`: each receiver's route, profile, fallback and credentials, with the
/// secrets named by environment variable or file, never written in the file or echoed back.
@Suite("Receivers configured from a file")
struct ReceiverConfigurationTests {
    static func write(_ json: String) throws -> URL {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("receivers-\(UUID().uuidString).json")
        try Data(json.utf8).write(to: file)
        return file
    }

    @Test("bearer from the environment, OAuth with a secret file, a fallback, and the defaults")
    func readsEveryKind() throws {
        let secret = FileManager.default.temporaryDirectory.appendingPathComponent("secret-\(UUID().uuidString)")
        try Data("s3cr3t-client\n".utf8).write(to: secret)
        let file = try Self.write("""
            {"receivers": [
              {"key": "practice-cedar", "url": "https://ehr.cedar.example.org/fhir", "profile": "transaction",
               "auth": {"type": "bearer", "tokenEnv": "CEDAR_TOKEN"},
               "fallback": {"url": "https://backup.cedar.example.org/fhir", "profile": "note",
                            "auth": {"type": "client-credentials", "tokenURL": "https://auth.cedar.example.org/token",
                                     "clientID": "iop", "secretFile": "\(secret.path)", "scope": "system/DocumentReference.write"}}},
              {"key": "practice-harbor", "url": "https://ehr.harbor.example.org/fhir"}
            ]}
            """)
        let endpoints = try ReceiverConfiguration.load(file, environment: ["CEDAR_TOKEN": "tok-123"])
        #expect(endpoints.map(\.key) == ["practice-cedar", "practice-harbor"])
        #expect(endpoints[0].primary.profile == .transaction)
        #expect(endpoints[0].primary.authentication == .bearer("tok-123"))
        #expect(endpoints[0].fallback?.profile == .note)
        #expect(endpoints[0].fallback?.authentication == .clientCredentials(OAuthClientCredentials(
            tokenURL: URL(string: "https://auth.cedar.example.org/token")!, clientID: "iop", clientSecret: "s3cr3t-client",
            scope: "system/DocumentReference.write")))
        #expect(endpoints[1].primary.profile == .rest && endpoints[1].primary.authentication == .none && endpoints[1].fallback == nil)
    }

    @Test("SMART Backend Services with a key file", .enabled(if: OpenSSLCommand.path != nil, "the openssl command is not installed: skipped"))
    func smartKeyFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("receivers-key-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try OpenSSLCommand.generateKey(["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], named: "iop", in: folder)
        let file = try Self.write("""
            {"receivers": [{"key": "practice-cedar", "url": "https://ehr.cedar.example.org/fhir",
              "auth": {"type": "smart-backend-services", "tokenURL": "https://auth.cedar.example.org/token", "clientID": "iop",
                       "keyID": "iop-2026", "scope": "system/Communication.write", "privateKeyFile": "\(folder.path)/iop.pem",
                       "algorithm": "ES384"}}]}
            """)
        let endpoint = try #require(try ReceiverConfiguration.load(file, environment: [:]).first)
        guard case .smartBackendServices(let client) = endpoint.primary.authentication else {
            Issue.record("not SMART Backend Services")
            return
        }
        #expect(client.keyID == "iop-2026" && client.scope == "system/Communication.write")
    }

    @Test("mistakes are named, and no secret is ever repeated in an error")
    func mistakes() throws {
        func problem(_ json: String, _ environment: [String: String] = [:]) throws -> String {
            do {
                _ = try ReceiverConfiguration.load(try Self.write(json), environment: environment)
                return "loaded"
            } catch let error as ReceiverConfiguration.Problem {
                return error.description
            }
        }
        let unset = try problem(#"{"receivers":[{"key":"a","url":"https://a.example.org/fhir","auth":{"type":"bearer","tokenEnv":"A_TOKEN"}}]}"#)
        #expect(unset.contains("A_TOKEN") && unset.contains("not set"))
        let inline = try problem(#"{"receivers":[{"key":"a","url":"https://a.example.org/fhir","auth":{"type":"bearer","token":"inline-secret"}}]}"#)
        #expect(inline.contains("never in this file") && !inline.contains("inline-secret"))
        let http = try problem(#"{"receivers":[{"key":"a","url":"http://a.example.org/fhir"}]}"#)
        #expect(http.hasPrefix("receiver 'a'"))
        let twice = try problem(#"{"receivers":[{"key":"a","url":"https://a.example.org/fhir"},{"key":"a","url":"https://b.example.org/fhir"}]}"#)
        #expect(twice.contains("configured twice"))
        let shape = try problem(#"{"receivers":[{"url":"https://a.example.org/fhir"}]}"#)
        #expect(shape.contains("missing \"key\""))
        let kind = try problem(#"{"receivers":[{"key":"a","url":"https://a.example.org/fhir","auth":{"type":"basic"}}]}"#, ["X": "y"])
        #expect(kind.contains("auth type is"))
    }

    static let gateway = BuiltExecutable.url(named: "fhir-gateway")

    @Test("fhir-gateway deliver --receivers sends with the configured token",
          .enabled(if: gateway != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func deliverCommandUsesTheFile() async throws {
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("receivers-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: data) }
        let store = try SQLiteGatewayStore(path: data.appendingPathComponent("gateway.sqlite").path)
        try Fixture.enqueue(store, endpoint: "practice-cedar", participant: "participant-1", label: "configured", consented: true)
        try store.checkpoint()
        let receiver = ScriptedReceiver()
        let server = try await LoopbackServer.start(receiver)
        defer { Task { await server.stop() } }
        let file = try Self.write("""
            {"receivers":[{"key":"practice-cedar","url":"\(server.baseURL.absoluteString)","auth":{"type":"bearer","tokenEnv":"CEDAR_TOKEN"}}]}
            """)
        var environment = ProcessInfo.processInfo.environment
        environment["CEDAR_TOKEN"] = "tok-from-env"
        let outcome = try await ExternalProgram(path: Self.gateway!.path).run(
            ["deliver", "--data", data.path, "--receivers", file.path, "--once", "--no-summaries"], environment: environment)
        #expect(outcome.status == 0, "\(outcome.output)")
        #expect(!outcome.output.contains("tok-from-env"))
        #expect(receiver.labels == ["configured"])
        #expect(receiver.requests.first { $0.method == "POST" }?.headers["Authorization"] == "Bearer tok-from-env")
    }
}
