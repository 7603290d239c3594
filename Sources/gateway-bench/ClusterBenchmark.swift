import Foundation
import GatewayCrypto
import GatewayStore
import GatewayTestSupport
import HTTPServer
import Synchronization

/// `gateway-bench cluster`: what several gateway processes on one PostgreSQL database buy, as
/// real `fhir-gateway` processes (the release build beside this one):
/// - ingest: referral transaction Bundles POSTed over loopback to `serve` (the requests and the
///   closed-loop load of `gateway-bench http`, the same total concurrency split over the
///   processes), bundles/s;
/// - delivery: queued messages drained by `deliver` to a loopback receiver that files every
///   create at once (`BenchReceiver`, from `gateway-bench deliver`), messages/s from the
///   processes' start to an empty queue;
/// with one and with three processes on PostgreSQL, beside one process on SQLite (the default
/// store, durable). Each case works in a database of its own (created and dropped with `psql`).
enum ClusterBenchmark {
    struct Options {
        var postgres = ProcessInfo.processInfo.environment["IOP_BENCH_POSTGRES_URL"]
            ?? ProcessInfo.processInfo.environment["IOP_TEST_POSTGRES_URL"]
        var folder = "SampleBundles/referrals"
        var requests = 1500
        var concurrency = 12
        var messages = 6000
        var endpoints = 4
    }

    struct Case {
        let label: String
        let processes: Int
        let postgres: Bool
    }

    static func run(_ arguments: [String]) {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--postgres": options.postgres = remaining.popFirst()
            case "--corpus": options.folder = remaining.popFirst() ?? options.folder
            case "--requests": options.requests = Int(remaining.popFirst() ?? "") ?? options.requests
            case "--concurrency": options.concurrency = Int(remaining.popFirst() ?? "") ?? options.concurrency
            case "--messages": options.messages = Int(remaining.popFirst() ?? "") ?? options.messages
            default: print("gateway-bench cluster: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let postgres = options.postgres else {
            print("gateway-bench cluster: name a PostgreSQL server: --postgres postgres://user@host:port/postgres (or IOP_BENCH_POSTGRES_URL)")
            exit(2)
        }
        guard let gateway = siblingExecutable("fhir-gateway") else {
            print("gateway-bench cluster: build fhir-gateway beside gateway-bench (swift build -c release)")
            exit(1)
        }
        let templates = HTTPBenchmark.postOnlyBundles(in: options.folder)
        guard !templates.isEmpty else {
            print("gateway-bench cluster: no POST-only referral bundles in \(options.folder)")
            exit(1)
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-cluster-\(getpid())")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let clients = work.appendingPathComponent("clients.json").path
        let hash = SHA256Digest.hash(Array(HTTPBenchmark.token.utf8)).hex
        FileManager.default.createFile(
            atPath: clients, contents: Data(#"{"clients":[{"name":"bench","tokenSHA256":"\#(hash)","scopes":["system/*.*"]}]}"#.utf8))

        print("gateway-bench cluster: \(options.requests) transactions at concurrency \(options.concurrency) (split over the processes), "
              + "\(options.messages) messages over \(options.endpoints) endpoints; \(ProcessInfo.processInfo.activeProcessorCount) cores; "
              + "PostgreSQL at \(redacted(postgres))")
        print(pad("", 34) + padLeft("bundles/s", 10) + padLeft("p50 ms", 9) + padLeft("p99 ms", 9) + padLeft("messages/s", 12) + "  statuses")
        fflush(nil)
        let cases = [
            Case(label: "SQLite, 1 process", processes: 1, postgres: false),
            Case(label: "PostgreSQL, 1 process", processes: 1, postgres: true),
            Case(label: "PostgreSQL, 3 processes", processes: 3, postgres: true),
        ]
        for (index, entry) in cases.enumerated() {
            do {
                let store: StoreChoice
                if entry.postgres {
                    store = .postgres(try PostgresBenchDatabase.create(admin: postgres, name: "iop_bench_\(getpid())_\(index)"))
                } else {
                    let folder = work.appendingPathComponent("data-\(index)")
                    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
                    store = .sqlite(folder.path)
                }
                defer { if case .postgres(let database) = store { database.drop() } }
                let ingest = try measureIngest(gateway: gateway, store: store, clients: clients, processes: entry.processes,
                                               templates: templates, options: options, work: work)
                let delivery = try measureDelivery(gateway: gateway, store: store, processes: entry.processes, options: options, work: work)
                let statuses = ingest.statuses.sorted { $0.key < $1.key }.map { "\($0.key)×\($0.value)" }.joined(separator: " ")
                print(pad(entry.label, 34) + padLeft(format(ingest.perSecond, 0), 10) + padLeft(format(ingest.percentile(0.5) * 1000), 9)
                      + padLeft(format(ingest.percentile(0.99) * 1000), 9) + padLeft(format(delivery, 0), 12) + "  " + statuses
                      + (ingest.failures > 0 ? " failures×\(ingest.failures)" : ""))
                fflush(nil)
            } catch {
                print("gateway-bench cluster: \(entry.label): \(error)")
                exit(1)
            }
        }
    }

    enum StoreChoice {
        case sqlite(String)
        case postgres(PostgresBenchDatabase)

        var arguments: [String] {
            switch self {
            case .sqlite(let folder): ["--data", folder]
            case .postgres(let database): ["--store", database.url]
            }
        }

        func open() throws -> any GatewayStore {
            switch self {
            case .sqlite(let folder): try SQLiteGatewayStore(path: folder + "/gateway.sqlite")
            case .postgres(let database): try PostgresGatewayStore(url: database.url)
            }
        }
    }

    // MARK: Ingest

    static func measureIngest(
        gateway: URL, store: StoreChoice, clients: String, processes count: Int, templates: [HTTPBenchmark.Template],
        options: Options, work: URL
    ) throws -> HTTPLoadGenerator.Result {
        var servers: [ChildProcess] = []
        defer { servers.forEach { $0.stop() } }
        for index in 0..<count {
            servers.append(try ChildProcess.start(
                gateway, ["serve", "--port", "0", "--config", clients, "--profiles", "Profiles"] + store.arguments,
                log: work.appendingPathComponent("serve-\(index).log")))
        }
        let ports = try servers.map { try $0.listeningPort() }
        let perProcess = max(1, options.concurrency / count)
        let warmUp = 2 * options.concurrency
        let requests = (0..<(options.requests + warmUp)).map { index in
            HTTPLoadGenerator.request(
                path: "/fhir",
                headers: "Content-Type: application/fhir+json\r\nAccept: application/fhir+json\r\nAuthorization: Bearer \(HTTPBenchmark.token)\r\n",
                body: templates[index % templates.count].body(suffix: "-c\(index)"))
        }
        _ = load(ports: ports, concurrency: perProcess, requests: Array(requests[..<warmUp]))
        return load(ports: ports, concurrency: perProcess, requests: Array(requests[warmUp...]))
    }

    /// The requests dealt round robin to the processes, each loaded by its own generator at
    /// once; the results merged.
    static func load(ports: [Int], concurrency: Int, requests: [[UInt8]]) -> HTTPLoadGenerator.Result {
        let results = ResultBox()
        let group = DispatchGroup()
        for (slot, port) in ports.enumerated() {
            let share = requests.enumerated().filter { $0.offset % ports.count == slot }.map(\.element)
            DispatchQueue.global().async(group: group) {
                let result = HTTPLoadGenerator.run(port: port, concurrency: concurrency, requests: share)
                results.values.withLock { $0.append(result) }
            }
        }
        group.wait()
        var total = HTTPLoadGenerator.Result()
        for result in results.values.withLock({ $0 }) { total.merge(result) }
        return total
    }

    private final class ResultBox: Sendable {
        let values = Mutex<[HTTPLoadGenerator.Result]>([])
    }

    // MARK: Delivery

    /// Messages per second from the `deliver` processes' start to an empty queue.
    static func measureDelivery(gateway: URL, store choice: StoreChoice, processes count: Int, options: Options, work: URL) throws -> Double {
        let store = try choice.open()
        try enqueue(store, count: options.messages, endpoints: options.endpoints)
        let receiver = try blocking { try await BenchReceiver.start() }
        defer { try? blocking { await receiver.stop() } }
        let endpoints = (0..<options.endpoints).flatMap { ["--endpoint", "pcp-\($0)=http://127.0.0.1:\(receiver.port)/fhir"] }
        let start = DispatchTime.now().uptimeNanoseconds
        var deliverers: [ChildProcess] = []
        defer { deliverers.forEach { $0.stop() } }
        for index in 0..<count {
            deliverers.append(try ChildProcess.start(
                gateway, ["deliver"] + choice.arguments + endpoints, log: work.appendingPathComponent("deliver-\(index).log")))
        }
        let deadline = start + 600_000_000_000
        while DispatchTime.now().uptimeNanoseconds < deadline {
            let open = try store.read { try $0.queueDepth() }.filter { $0.status == .pending || $0.status == .inFlight }
            if open.isEmpty { break }
            usleep(20_000)
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let delivered = try store.read { try $0.queueDepth() }.filter { $0.status == .delivered }.reduce(0) { $0 + $1.count }
        if delivered != options.messages { print("gateway-bench cluster: \(delivered) of \(options.messages) delivered") }
        return Double(delivered) / seconds
    }

    /// A participant per four messages, spread over the endpoints (claims take one head per participant).
    static func enqueue(_ store: any GatewayStore, count: Int, endpoints: Int) throws {
        for start in stride(from: 0, to: count, by: 500) {
            try store.write { transaction in
                for index in start..<min(count, start + 500) {
                    let participant = "participant-\(index / 4)"
                    try ConsentedMessages.enqueue(NewOutboundMessage(
                        id: UUID().uuidString.lowercased(), endpointKey: "pcp-\(index / 4 % endpoints)", participantKey: participant,
                        priority: .routine, idempotencyKey: "bench-\(index)",
                        payload: Data(#"{"resourceType":"Communication","status":"completed","subject":{"reference":"Patient/\#(participant)"}}"#.utf8),
                        contentType: "application/fhir+json"), in: transaction)
                }
            }
        }
    }

    /// Waits for async work from the benchmark's synchronous code (main.swift is not async).
    static func blocking<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<Result<T, any Error>?>(nil)
        Task {
            let outcome: Result<T, any Error>
            do { outcome = .success(try await work()) } catch { outcome = .failure(error) }
            result.withLock { $0 = outcome }
            done.signal()
        }
        done.wait()
        return try result.withLock { $0! }.get()
    }

    /// The URL with its password, if any, as `***`.
    static func redacted(_ url: String) -> String {
        guard let scheme = url.range(of: "://"), let at = url[scheme.upperBound...].firstIndex(of: "@"),
              let colon = url[scheme.upperBound..<at].firstIndex(of: ":") else { return url }
        return String(url[..<url.index(after: colon)]) + "***" + String(url[at...])
    }

    /// An executable in the same folder as this one.
    static func siblingExecutable(_ name: String) -> URL? {
        let url = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }
}
