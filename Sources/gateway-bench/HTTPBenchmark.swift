import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayAPI
import GatewayCrypto
import GatewayIntake
import GatewayStore
import HTTPServer
import IOPMapping

/// `gateway-bench http`: referral transaction Bundles POSTed to `/fhir` over loopback at a fixed
/// concurrency (closed loop, keep-alive), against the gateway as `fhir-gateway serve` runs it
/// (SQLite file with synchronous=FULL, the profiles, bearer token, audit, metrics), reporting
/// bundles/s and p50/p99 latency. Beside it, in the same run: the same requests answered by the
/// bare HTTPServer with a fixed reply (the framework's cost) and by the gateway over an
/// in-memory SQLite store (what durability costs).
///
/// The bundles are `SampleBundles/referrals` whose entries are all POSTs (the others update
/// resources a fresh store does not have); each request's Patient identifier gets a suffix, so
/// every request creates a new participant, while the referring practice and practitioners are
/// found by their conditional creates, as when one practice sends many referrals.
enum HTTPBenchmark {
    static let token = "gateway-bench-token-0123456789abcdefghijklmnop"

    struct Options {
        var folder = "SampleBundles/referrals"
        var concurrency = 16
        var requests = 3000
        var only: String?
    }

    static func run(_ arguments: [String]) {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": options.folder = remaining.popFirst() ?? options.folder
            case "--concurrency": options.concurrency = Int(remaining.popFirst() ?? "") ?? options.concurrency
            case "--requests": options.requests = Int(remaining.popFirst() ?? "") ?? options.requests
            case "--only": options.only = remaining.popFirst()
            default: print("gateway-bench http: unexpected argument '\(argument)'"); exit(2)
            }
        }
        let templates = postOnlyBundles(in: options.folder)
        guard !templates.isEmpty else {
            print("gateway-bench http: no POST-only referral bundles in \(options.folder)")
            exit(1)
        }
        let warmUp = 2 * options.concurrency
        let requests = (0..<(options.requests + warmUp)).map { index in
            let template = templates[index % templates.count]
            return HTTPLoadGenerator.request(
                path: "/fhir",
                headers: "Content-Type: application/fhir+json\r\nAccept: application/fhir+json\r\nAuthorization: Bearer \(token)\r\n",
                body: template.body(suffix: "-b\(index)"))
        }
        let megabytes = Double(requests.reduce(0) { $0 + $1.count }) / 1e6
        print("gateway-bench http: \(options.requests) transactions (+\(warmUp) warm-up) from \(templates.count) referral bundles "
              + "(\(templates.map(\.name).joined(separator: ", "))), \(format(megabytes)) MB; concurrency \(options.concurrency); "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("", 44) + padLeft("bundles/s", 10) + padLeft("p50 ms", 9) + padLeft("p99 ms", 9) + "  statuses")
        fflush(nil)

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-http-\(getpid())")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let cases: [(key: String, label: String, responder: () throws -> any HTTPResponder)] = [
            ("raw", "HTTPServer, fixed reply (baseline)", { FixedReply() }),
            ("memory", "gateway, in-memory SQLite (not durable)", { try gateway(store: SQLiteGatewayStore.inMemory()) }),
            ("durable", "gateway, SQLite file, durable (as serve)", {
                try gateway(store: SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path))
            }),
        ]
        for entry in cases where options.only == nil || options.only == entry.key {
            do {
                let result = try measure(responder: entry.responder(), requests: requests, warmUp: warmUp, concurrency: options.concurrency)
                let statuses = result.statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                print(pad(entry.label, 44) + padLeft(format(result.perSecond, 0), 10) + padLeft(format(result.percentile(0.5) * 1000), 9)
                      + padLeft(format(result.percentile(0.99) * 1000), 9) + "  " + statuses
                      + (result.failures > 0 ? " failures×\(result.failures)" : ""))
                fflush(nil)
            } catch {
                print("gateway-bench http: \(entry.label): \(error)")
                exit(1)
            }
        }
    }

    /// The API as `ServeCommand` assembles it, on `store`, with one client holding `token`.
    static func gateway(store: SQLiteGatewayStore) throws -> FHIRAPI {
        let intake = try intake(store: store)
        let clients = ClientRegistry(clients: [
            APIClient(
                name: "bench", tokenSHA256: SHA256Digest.hash(Array(token.utf8)).bytes,
                scopes: [SMARTScope("system/*.*")!]),
        ])
        let configuration = FHIRAPIConfiguration(log: { _ in })
        let middleware = GatewayMiddleware.standard(
            store: store, clients: clients, metrics: GatewayMetrics(), configuration: configuration,
            migrationsDone: { try store.currentSchemaVersion() == SQLiteGatewayStore.schemaVersion },
            accessLog: { _ in })
        let statement = FileManager.default.contents(atPath: "Profiles/CapabilityStatement-iop-gateway.json")
            .flatMap { FHIRJSONReader().read(Array($0)).resource }
        return FHIRAPI(store: store, intake: intake, capabilityStatement: statement, configuration: configuration, middleware: middleware)
    }

    /// The intake `serve` and `import` use: the IOP's profiles and the default mapper, on `store`.
    static func intake(store: SQLiteGatewayStore) throws -> Intake {
        let registry = try ProfileRegistry(folder: URL(fileURLWithPath: "Profiles"))
        return Intake(
            validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
            context: .store(store))
    }

    /// Starts a server for `responder` on an ephemeral loopback port (serve's defaults otherwise),
    /// sends the warm-up requests, then measures the rest, then drains the server.
    static func measure(
        responder: some HTTPResponder, requests: [[UInt8]], warmUp: Int, concurrency: Int
    ) throws -> HTTPLoadGenerator.Result {
        let server = HTTPServer(configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: responder)
        let started = DispatchSemaphore(value: 0)
        let stopped = DispatchSemaphore(value: 0)
        let port = PortBox()
        Task {
            do {
                try await server.run { address in
                    port.value = address.port
                    started.signal()
                }
            } catch {
                print("gateway-bench http: server: \(error)")
                started.signal()
            }
            stopped.signal()
        }
        started.wait()
        guard port.value > 0 else { exit(1) }
        _ = HTTPLoadGenerator.run(port: port.value, concurrency: concurrency, requests: Array(requests[..<warmUp]))
        let result = HTTPLoadGenerator.run(port: port.value, concurrency: concurrency, requests: Array(requests[warmUp...]))
        Task { await server.shutdown(gracePeriod: .seconds(5)) }
        stopped.wait()
        return result
    }

    /// A referral bundle split around its Patient identifier values, so each request can name
    /// a new participant (and its conditional create and references follow).
    struct Template {
        let name: String
        let pieces: [String]
        let values: [String]

        func body(suffix: String) -> [UInt8] {
            var text = pieces[0]
            for (index, value) in values.enumerated() { text += value + suffix + pieces[index + 1] }
            return Array(text.utf8)
        }
    }

    static func postOnlyBundles(in folder: String) -> [Template] {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".json") }.sorted()
        return names.compactMap { name in
            guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                  let bundle = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let entries = bundle["entry"] as? [[String: Any]],
                  entries.allSatisfy({ ($0["request"] as? [String: Any])?["method"] as? String == "POST" })
            else { return nil }
            let patientValues = entries.compactMap { $0["resource"] as? [String: Any] }
                .filter { $0["resourceType"] as? String == "Patient" }
                .flatMap { ($0["identifier"] as? [[String: Any]]) ?? [] }
                .compactMap { $0["value"] as? String }
                .filter { $0.count >= 6 }  // long enough to occur nowhere else by chance
            guard !patientValues.isEmpty else { return nil }
            var pieces = [String(decoding: data, as: UTF8.self)]
            var values: [String] = []
            for value in Set(patientValues) {
                // Split every piece made so far at each occurrence of this value.
                var split: [String] = []
                var splitValues: [String] = []
                for (index, piece) in pieces.enumerated() {
                    let parts = piece.components(separatedBy: value)
                    split += parts
                    splitValues += Array(repeating: value, count: parts.count - 1)
                    if index < values.count { splitValues.append(values[index]) }
                }
                pieces = split
                values = splitValues
            }
            return Template(name: String(name.prefix(2)), pieces: pieces, values: values)
        }
    }

    /// Set by the server task before it signals; read after the wait.
    private final class PortBox: @unchecked Sendable {
        var value = 0
    }
}

/// The baseline: whatever was posted, a fixed small JSON reply.
struct FixedReply: HTTPResponder {
    func respond(to request: HTTPRequest, context: RequestContext) async -> HTTPResponse {
        HTTPResponse(status: 200, headers: ["Content-Type": "application/fhir+json"], body: #"{"resourceType":"Bundle","type":"transaction-response"}"#)
    }
}
