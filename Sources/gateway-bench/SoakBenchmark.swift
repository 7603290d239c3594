import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import HTTPServer
import Outbound
import Synchronization

/// `gateway-bench soak --minutes N` (or `--seconds N`): the gateway as `serve` runs it (durable
/// SQLite, token, audit) under mixed load for a while, to find what only time shows — memory
/// that grows, descriptors that leak, errors that appear after hours:
///
/// - ingest: referral transaction Bundles POSTed over loopback, each with a new participant;
/// - search: the searches a PCP's EHR and the staff make, over the same connections' kind;
/// - import: every 10 s, a folder of fresh referral files imported into the same store;
/// - delivery: messages queued every second, drained by two workers to a receiver that answers
///   every 7th request 503 (retried with backoff).
///
/// Every 10 s it samples the resident memory (`VmRSS`), the part of it SQLite holds (its page
/// caches fill towards their configured size as the store grows: 64 MiB for the writer) and open
/// descriptors (`/proc/self/fd`), and prints a line. It fails (exit 1) on any unexpected answer
/// or import refusal, on resident memory less SQLite's at the end more than 10% above the first
/// sample after the warm-up, or on descriptors more than 16 above it. The warm-up (`--warm-up`,
/// default 60 s: what the caches, the validator's compiled profiles and malloc's arenas take to
/// settle, measured) runs the same load before the `--seconds`/`--minutes` being judged.
enum SoakBenchmark {
    struct Totals: Sendable {
        var posted = 0, searched = 0, imported = 0, queued = 0, errors = 0
    }

    /// The running totals, shared by the load thread and the tasks.
    final class Counters: Sendable {
        private let totals = Mutex(Totals())
        func update(_ change: (inout Totals) -> Void) { totals.withLock { change(&$0) } }
        var current: Totals { totals.withLock { $0 } }
    }

    static func run(_ arguments: [String]) {
        var seconds = 60
        var warmUp = 60
        var folder = "SampleBundles/referrals"
        var parts: Set<String> = ["ingest", "search", "import", "deliver"]
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            let value = remaining.popFirst()
            switch (argument, value.flatMap(Int.init)) {
            case ("--minutes", let minutes?) where minutes > 0: seconds = minutes * 60
            case ("--seconds", let given?) where given > 0: seconds = given
            case ("--warm-up", let given?) where given >= 0: warmUp = given
            case ("--corpus", _) where value != nil: folder = value!
            case ("--only", _) where value != nil: parts = Set(value!.split(separator: ",").map(String.init))
            default: print("gateway-bench soak: unexpected argument '\(argument)'"); exit(2)
            }
        }
        let finished = DispatchSemaphore(value: 0)
        let failed = Atomic<Bool>(false)
        Task {
            do {
                failed.store(try await soak(seconds: seconds, warmUp: warmUp, folder: folder, parts: parts), ordering: .relaxed)
            } catch {
                print("gateway-bench soak: \(error)")
                failed.store(true, ordering: .relaxed)
            }
            finished.signal()
        }
        finished.wait()
        exit(failed.load(ordering: .relaxed) ? 1 : 0)
    }

    /// Returns whether the soak failed.
    /// `parts` (`--only`): which of ingest, search, import and deliver run, to tell which one
    /// a growth comes from.
    static func soak(seconds: Int, warmUp: Int, folder: String, parts: Set<String>) async throws -> Bool {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-soak-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let templates = HTTPBenchmark.postOnlyBundles(in: folder)
        guard !templates.isEmpty else {
            print("gateway-bench soak: no POST-only referral bundles in \(folder)")
            return true
        }
        let store = try SQLiteGatewayStore(path: work.appendingPathComponent("gateway.sqlite").path)
        let server = try await SoakServer.start(store: store)
        let receiver = try await BenchReceiver.start(failEvery: 7)
        let (_, delivering) = parts.contains("deliver")
            ? DeliverBenchmark.start(store, to: receiver.baseURL, workers: 2) : ([], Task {})
        let totals = Counters()
        let deadline = ContinuousClock.now + .seconds(warmUp + seconds)
        print("gateway-bench soak: \(warmUp) s of warm-up, then \(seconds) s judged, of ingest, search, import and delivery (every 7th delivery refused 503) "
              + "on one durable SQLite store; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("t s", 6) + padLeft("RSS MB", 9) + padLeft("SQLite MB", 11) + padLeft("fds", 6) + padLeft("posted", 9) + padLeft("searched", 10)
              + padLeft("imported", 10) + padLeft("queued", 9) + padLeft("delivered", 11) + padLeft("errors", 8))

        let load = Thread {
            var round = 0
            while ContinuousClock.now < deadline, parts.contains("ingest") || parts.contains("search") {
                let result = soakRequests(
                    round: round, templates: templates, port: server.port, ingest: parts.contains("ingest"), search: parts.contains("search"))
                totals.update { totals in
                    totals.posted += result.posted
                    totals.searched += result.searched
                    totals.errors += result.errors
                }
                round += 1
            }
        }
        load.start()
        // One intake for every round, as a running gateway has: its validator compiles the
        // profiles' FHIRPath once.
        let intake = try HTTPBenchmark.intake(store: store)
        let importing = Task {
            var round = 0
            while ContinuousClock.now < deadline, parts.contains("import") {
                let outcome = await importRound(round, templates: templates, intake: intake, into: store, work: work)
                totals.update { $0.imported += outcome.imported; $0.errors += outcome.errors }
                round += 1
                try? await Task.sleep(for: .seconds(10))
            }
        }
        let queueing = Task {
            var index = 0
            while ContinuousClock.now < deadline, parts.contains("deliver") {
                do {
                    try DeliverBenchmark.enqueue(50, participants: 40, into: store, startingAt: index)
                    index += 50
                    totals.update { $0.queued += 50 }
                } catch {
                    totals.update { $0.errors += 1 }
                }
                try? await Task.sleep(for: .seconds(1))
            }
        }

        let started = ContinuousClock.now
        var samples: [(t: Int, rss: Int, engine: Int, fds: Int)] = []
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .seconds(min(10, max(1, Int(DeliverBenchmark.seconds(deadline - ContinuousClock.now))))))
            let t = Int(DeliverBenchmark.seconds(ContinuousClock.now - started))
            let sample = (t: t, rss: residentKilobytes(), engine: Int(SQLiteGatewayStore.engineMemoryBytes / 1024), fds: openDescriptors())
            samples.append(sample)
            let now = totals.current
            let delivered = try store.read { try $0.queueDepth() }.first { $0.status == .delivered }?.count ?? 0
            print(pad(String(t), 6) + padLeft(format(Double(sample.rss) / 1024, 1), 9)
                  + padLeft(format(Double(sample.engine) / 1024, 1), 11) + padLeft(String(sample.fds), 6)
                  + padLeft(String(now.posted), 9) + padLeft(String(now.searched), 10) + padLeft(String(now.imported), 10)
                  + padLeft(String(now.queued), 9) + padLeft(String(delivered), 11) + padLeft(String(now.errors), 8))
            fflush(nil)
        }
        load.cancel()
        while !load.isFinished { try await Task.sleep(for: .milliseconds(50)) }
        await importing.value
        await queueing.value
        delivering.cancel()
        await delivering.value
        await server.stop()
        await receiver.stop()

        let final = totals.current
        var failures: [String] = []
        if final.errors > 0 { failures.append("\(final.errors) unexpected answers or refusals") }
        if let baseline = samples.first(where: { $0.t >= warmUp }) ?? samples.first, let last = samples.last, samples.count > 1 {
            let (before, after) = (baseline.rss - baseline.engine, last.rss - last.engine)
            let growth = Double(after - before) / Double(max(before, 1))
            print("after the warm-up (t ≥ \(baseline.t) s): RSS \(format(Double(baseline.rss) / 1024, 1)) → "
                  + "\(format(Double(last.rss) / 1024, 1)) MB; less SQLite's caches \(format(Double(before) / 1024, 1)) → "
                  + "\(format(Double(after) / 1024, 1)) MB (\(format(growth * 100, 1))%); descriptors \(baseline.fds) → \(last.fds)")
            if growth > 0.10 { failures.append("resident memory (less SQLite's) grew \(format(growth * 100, 1))% after the warm-up") }
            if last.fds > baseline.fds + 16 { failures.append("open descriptors grew from \(baseline.fds) to \(last.fds)") }
        }
        print(failures.isEmpty ? "soak passed" : "soak FAILED: " + failures.joined(separator: "; "))
        return !failures.isEmpty
    }

    /// One round of load: 8 ingests and 24 searches over 4 connections.
    static func soakRequests(
        round: Int, templates: [HTTPBenchmark.Template], port: Int, ingest: Bool, search: Bool
    ) -> (posted: Int, searched: Int, errors: Int) {
        let headers = "Accept: application/fhir+json\r\nAuthorization: Bearer \(HTTPBenchmark.token)\r\n"
        var requests: [[UInt8]] = []
        for index in 0..<(ingest ? 8 : 0) {
            let template = templates[(round * 8 + index) % templates.count]
            requests.append(HTTPLoadGenerator.request(
                path: "/fhir", headers: "Content-Type: application/fhir+json\r\n" + headers,
                body: template.body(suffix: "-soak\(round)-\(index)")))
        }
        let searches = [
            "/fhir/Patient?_count=20", "/fhir/Patient?family=a&_sort=family", "/fhir/ServiceRequest?_include=ServiceRequest:subject",
            "/fhir/Appointment?date=ge2020-01-01&_sort=-date&_count=10", "/fhir/CarePlan?status=active&_total=accurate",
            "/fhir/MedicationRequest?_revinclude=Provenance:target", "/fhir/Patient?_has:ServiceRequest:subject:status=active",
            "/fhir/_history?_count=20",
        ]
        for index in 0..<(search ? 24 : 0) {
            requests.append(HTTPLoadGenerator.request(method: "GET", path: searches[(round + index) % searches.count], headers: headers, body: []))
        }
        let result = HTTPLoadGenerator.run(port: port, concurrency: 4, requests: requests)
        let good = result.statuses.filter { $0.key == 200 || $0.key == 201 }.reduce(0) { $0 + $1.value }
        return (ingest ? 8 : 0, search ? 24 : 0, result.failures + (result.completed - good))
    }

    /// Writes this round's referral files (new participants) and imports them into the store.
    static func importRound(
        _ round: Int, templates: [HTTPBenchmark.Template], intake: Intake, into store: SQLiteGatewayStore, work: URL
    ) async -> (imported: Int, errors: Int) {
        let folder = work.appendingPathComponent("import-\(round)")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            for (index, template) in templates.enumerated() {
                try Data(template.body(suffix: "-import\(round)-\(index)")).write(to: folder.appendingPathComponent("\(index).json"))
            }
            let importer = Importer(intake: intake, store: store, options: ImportOptions(jobs: 2))
            let report = await importer.run(try ImportSource.discover([folder.path]))
            return (report.counts.filesImported, report.counts.filesRefused + report.refusals.count)
        } catch {
            print("gateway-bench soak: import round \(round): \(error)")
            return (0, 1)
        }
    }

    /// The gateway's API on an ephemeral loopback port.
    struct SoakServer {
        let loopback: LoopbackServer
        var port: Int { loopback.port }

        static func start(store: SQLiteGatewayStore) async throws -> SoakServer {
            let server = HTTPServer(
                configuration: HTTPServerConfiguration(host: "127.0.0.1", port: 0), responder: try HTTPBenchmark.gateway(store: store))
            return SoakServer(loopback: try await LoopbackServer.start(server))
        }

        func stop() async { await loopback.stop() }
    }

    static func residentKilobytes() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") })
        else { return 0 }
        return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
    }

    static func openDescriptors() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }
}
