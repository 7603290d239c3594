import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayAPI
import GatewayIntake
import GatewayStore
import HTTPServer
import IOPMapping

/// `fhir-gateway serve [--port 8080] [--host 127.0.0.1] [--data DIR | --store postgres://…]
/// [--profiles DIR] [--base-url URL] [--grace SECONDS] [--drain-notice SECONDS] [--config FILE]`:
/// the FHIR REST API on the embedded store, or on a PostgreSQL database shared with other
/// gateway processes.
///
/// Clients are the ones `--config` lists; without it, `<data>/clients.json`, created on the
/// first start with one client (`local`, `system/*.*`) whose token is printed once to stderr.
/// `/healthz`, `/readyz` and `/metrics` answer beside `/fhir`; one JSON access-log line per
/// request goes to stderr.
///
/// SIGTERM or SIGINT drains: with `--drain-notice`, first that many seconds of 503 +
/// Retry-After to new requests (`DrainNotice`); then the listening socket closes, requests in progress finish (within
/// the grace period) and are answered, then the store's WAL is checkpointed and the process
/// exits 0. A second signal exits at once; nothing acknowledged is lost either way, since a
/// 2xx is sent only after its unit of work committed.
enum ServeCommand {
    struct Options {
        var host = "127.0.0.1"
        var port = 8080
        var storeFlags = StoreFlags()
        var profileFolder: String?
        var identityPolicy: String?
        var baseURL: String?
        var grace = 20
        var config: String?
        var location = StoreLocation.sqlite(folder: "var")
        var drainNotice = 0
    }

    static func run(_ arguments: [String]) async -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "serve", parse) else { return 2 }
        do {
            let registry = try ProfileFolder.load(options.profileFolder)
            let store = try options.location.open()
            let policy = try IdentityPolicyFile.load(options.identityPolicy)
            let intake = Intake(
                validator: DocumentValidator(validator: FHIRValidator(registry: registry)),
                mapper: FHIRInboundMapper(configuration: .init(identityPolicy: policy)), context: .store(store),
                identityPolicy: policy)
            let clients = try openClients(options)
            let configuration = FHIRAPIConfiguration(publicBaseURL: options.baseURL)
            let middleware = GatewayMiddleware.standard(
                store: store, clients: clients, metrics: GatewayMetrics(), configuration: configuration,
                migrationsDone: { try store.migrationsDone() },
                accessLog: { line in FileHandle.standardError.write(Data((line + "\n").utf8)) })
            let api = FHIRAPI(
                store: store, intake: intake, capabilityStatement: capabilityStatement(options.profileFolder),
                configuration: configuration, middleware: middleware)
            let notice = DrainNotice()
            let server = HTTPServer(
                configuration: HTTPServerConfiguration(
                    host: options.host, port: options.port, serverName: "iop-fhir-gateway",
                    accessLog: { record in
                        // Answered requests are logged (as JSON) by the API's middleware; these are the refused ones.
                        guard record.outcome != .handled else { return }
                        FileHandle.standardError.write(Data((refusedRequestLine(record) + "\n").utf8))
                    }),
                responder: notice.guarding(api, retryAfterSeconds: 1))
            let grace = Duration.seconds(options.grace)
            let noticePeriod = Duration.seconds(options.drainNotice)
            let signals = StopSignals(announcing: "draining") {
                Task {
                    if noticePeriod > .zero {
                        notice.begin()
                        try? await Task.sleep(for: noticePeriod)
                    }
                    await server.shutdown(gracePeriod: grace)
                }
            }
            // A store from an earlier version is re-indexed beside the server; searches that need
            // rows not yet written are answered 503 meanwhile (IndexReadiness).
            let reindexing = BackgroundReindex.start(store: store)
            try await server.run { address in
                // Written straight to the descriptor: print() may sit in stdout's buffer when piped.
                FileHandle.standardOutput.write(
                    Data("listening on http://\(address)/fhir (\(options.location))\n".utf8))
            }
            signals.cancel()
            reindexing.stop()
            try store.close()
            print("stopped")
            return 0
        } catch {
            printError("fhir-gateway serve: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--host": options.host = try arguments.value(for: argument)
            case "--port":
                guard let port = Int(try arguments.value(for: argument)), (0...65535).contains(port) else {
                    throw UsageError(description: "--port takes a number from 0 to 65535")
                }
                options.port = port
            case "--profiles": options.profileFolder = try arguments.value(for: argument)
            case "--identity-policy": options.identityPolicy = try arguments.value(for: argument)
            case "--base-url": options.baseURL = try arguments.value(for: argument)
            case "--grace": options.grace = try arguments.positiveInteger(for: argument)
            case "--config": options.config = try arguments.value(for: argument)
            case "--drain-notice": options.drainNotice = try arguments.nonNegativeInteger(for: argument)
            default: throw UsageError(description: "unexpected argument '\(argument)'")
            }
        }
        options.location = try options.storeFlags.location()
        return options
    }

    /// The API's clients: `--config`, else `<data>/clients.json` (with `--store` too), generated
    /// on the first start.
    /// A generated token is written to stderr once, here; only its SHA-256 is kept.
    static func openClients(_ options: Options) throws -> ClientRegistry {
        if let path = options.config { return try ClientRegistry.load(path: path) }
        // With --store the data folder holds only this file, so it may not exist yet.
        try PrivateFile.createFolder(options.storeFlags.data)
        let (registry, token) = try ClientRegistry.openLocal(folder: options.storeFlags.data)
        if let token {
            let file = (options.storeFlags.data as NSString).appendingPathComponent(ClientRegistry.localFileName)
            FileHandle.standardError.write(Data(
                "API token for client \"local\" (system/*.*), shown once; only its SHA-256 is kept in \(file):\nTOKEN=\(token)\n".utf8))
        }
        return registry
    }

    /// A request the server refused before the API saw it (parse error, timeout, overload), as JSON.
    static func refusedRequestLine(_ record: HTTPAccessLogRecord) -> String {
        let outcome = switch record.outcome {
        case .handled: "handled"
        case .parseError: "parse-error"
        case .timeout: "timeout"
        case .overloaded: "overloaded"
        }
        var fields: [String: Any] = ["conn": record.connectionID, "status": record.status, "outcome": outcome]
        if let method = record.method { fields["method"] = method }
        if let path = record.path { fields["path"] = path }
        let data = (try? JSONSerialization.data(withJSONObject: fields, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    /// The gateway's CapabilityStatement from the profiles folder (the folder `ProfileFolder`
    /// would choose), or nil, in which case the API describes itself.
    static func capabilityStatement(_ explicit: String?) -> FHIRElement? {
        let candidates = [explicit, ProcessInfo.processInfo.environment["IOP_GATEWAY_PROFILES"], "Profiles"].compactMap { $0 }
        for folder in candidates {
            let path = (folder as NSString).appendingPathComponent("CapabilityStatement-iop-gateway.json")
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            return FHIRJSONReader().read(Array(data)).resource
        }
        return nil
    }
}
