import Foundation
import GatewayStore
import IOPDomain
import Outbound

/// `gateway-bench deliver`: outbound delivery to a receiver on loopback with durable bookkeeping
/// (a SQLite store file, synchronous=FULL: each message's claim, outcome and audit event are
/// committed), in two parts:
/// 1. steady state: `--messages` queued, the receiver up; messages/s with 1 and with
///    `--workers` workers on the endpoint (the lease keeps them apart);
/// 2. outage: the receiver down, a `--backlog` of messages queued while the workers run (the
///    circuit opens), then the receiver comes back; the time from its return until the last
///    message is recorded delivered.
/// Messages are spread over `--participants` participants (per-participant order limits how
/// many can be in flight at once). The receiver answers each create 201 at once, so the figures
/// are the gateway's cost: HTTP client, claim, outcome and audit commits.
enum DeliverBenchmark {
    struct Options: Sendable {
        var messages = 2000
        var backlog = 10_000
        var participants = 200
        var workers = 4
    }

    static func run(_ arguments: [String]) {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let value = remaining.popFirst().flatMap { Int($0) }
            switch (argument, value) {
            case ("--messages", let value?) where value > 0: options.messages = value
            case ("--backlog", let value?) where value > 0: options.backlog = value
            case ("--participants", let value?) where value > 0: options.participants = value
            case ("--workers", let value?) where value > 0: options.workers = value
            default: print("gateway-bench deliver: unexpected argument '\(argument)'"); exit(2)
            }
        }
        // The benchmark is async (HTTP server, workers); main.swift is not.
        let finished = DispatchSemaphore(value: 0)
        Task {
            do {
                try await measure(options)
            } catch {
                print("gateway-bench deliver: \(error)")
                exit(1)
            }
            finished.signal()
        }
        finished.wait()
    }

    /// Short waits so an outage is over in seconds: the circuit opens after 5 failures and
    /// probes after 1 s; a failed message is retried within 0.2 s (doubling, at most 2 s).
    static var policy: DeliveryPolicy {
        var policy = DeliveryPolicy()
        policy.circuitCoolDown = .seconds(1)
        policy.backoffBase = .milliseconds(200)
        policy.backoffCap = .seconds(2)
        policy.maxAttempts = 1000
        policy.idlePoll = .milliseconds(50)
        return policy
    }

    static func measure(_ options: Options) async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-deliver-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let receiver = try await BenchReceiver.start()
        print("gateway-bench deliver: rest profile (If-None-Exist) to a loopback receiver answering 201; SQLite store file "
              + "(synchronous=FULL), \(options.participants) participants; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("", 34) + padLeft("messages", 10) + padLeft("seconds", 10) + padLeft("messages/s", 12))
        for workers in Array(Set([1, options.workers])).sorted() {
            let store = try SQLiteGatewayStore(path: work.appendingPathComponent("steady-\(workers).sqlite").path)
            try enqueue(options.messages, participants: options.participants, into: store)
            let before = receiver.created
            let seconds = try await deliver(store, to: receiver.baseURL, workers: workers, expecting: options.messages)
            let received = receiver.created - before
            print(pad("steady, \(workers) worker\(workers == 1 ? "" : "s")", 34) + padLeft(String(options.messages), 10)
                  + padLeft(format(seconds, 2), 10) + padLeft(format(Double(options.messages) / seconds, 0), 12)
                  + (received == options.messages ? "" : "  (receiver got \(received))"))
        }

        // The outage: the receiver goes away, the backlog builds while the workers run, then it is back.
        let port = receiver.port
        await receiver.stop()
        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("backlog.sqlite").path)
        let (workers, running) = start(store, to: receiver.baseURL, workers: options.workers)
        try enqueue(options.backlog, participants: options.participants, into: store)
        try await Task.sleep(for: .seconds(2))  // the circuits open; the backlog waits
        let waiting = try openCount(store)
        let back = try await BenchReceiver.start(port: port)
        let started = ContinuousClock.now
        try await waitUntilDrained(store, expecting: options.backlog)
        let seconds = seconds(ContinuousClock.now - started)
        running.cancel()
        await running.value
        let attempts = try store.read { try $0.outboxStatistics() }.reduce(0) { $0 + $1.attempts }
        print(pad("backlog after the receiver is back", 34) + padLeft(String(options.backlog), 10) + padLeft(format(seconds, 2), 10)
              + padLeft(format(Double(options.backlog) / seconds, 0), 12))
        print("backlog: \(waiting) waiting when the receiver came back, \(workers.count) workers; \(back.created) filed, "
              + "\(attempts) attempts recorded; the drain includes up to the 1 s circuit cool-down and the retry waits of "
              + "messages that failed during the outage")
        await back.stop()
    }

    static func enqueue(_ count: Int, participants: Int, into store: SQLiteGatewayStore, startingAt first: Int = 0) throws {
        try store.write { transaction in
            for index in first..<(first + count) {
                let participant = "participant-\(index % participants)"
                let payload = Data("""
                    {"resourceType":"DocumentReference","status":"current","type":{"coding":[{"system":"http://loinc.org",\
                    "code":"11506-3"}]},"subject":{"reference":"Patient/\(participant)"},\
                    "content":[{"attachment":{"contentType":"text/plain","data":"aGVsbG8="}}]}
                    """.utf8)
                _ = try transaction.enqueue(NewOutboundMessage(
                    id: UUID().uuidString.lowercased(), endpointKey: "pcp", participantKey: participant, priority: .routine,
                    idempotencyKey: "bench-\(index)", payload: payload, contentType: "application/fhir+json"))
            }
        }
    }

    static func start(_ store: SQLiteGatewayStore, to url: URL, workers count: Int) -> ([EndpointWorker], Task<Void, Never>) {
        // The target is checked as a practice's would be; loopback http is allowed.
        let target = try! EndpointTarget(baseURL: url, deliveryProfile: .conditionalCreate)
        let endpoint = OutboundEndpoint(key: "pcp", primary: EndpointRoute(target: target, profile: .rest))
        let workers = (0..<count).map { _ in EndpointWorker(endpoint: endpoint, store: store, policy: policy, gate: PermitAllGate(), log: .discard) }
        let running = Task {
            await withTaskGroup(of: Void.self) { group in
                for worker in workers { group.addTask { await worker.run() } }
            }
        }
        return (workers, running)
    }

    static func deliver(_ store: SQLiteGatewayStore, to url: URL, workers: Int, expecting count: Int) async throws -> Double {
        let started = ContinuousClock.now
        let (_, running) = start(store, to: url, workers: workers)
        try await waitUntilDrained(store, expecting: count)
        let elapsed = seconds(ContinuousClock.now - started)
        running.cancel()
        await running.value
        return elapsed
    }

    static func waitUntilDrained(_ store: SQLiteGatewayStore, expecting count: Int) async throws {
        while try store.read({ try $0.queueDepth() }).first(where: { $0.status == .delivered })?.count ?? 0 < count {
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    static func openCount(_ store: SQLiteGatewayStore) throws -> Int {
        try store.read { try $0.queueDepth() }.filter { $0.status == .pending || $0.status == .inFlight }.reduce(0) { $0 + $1.count }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
