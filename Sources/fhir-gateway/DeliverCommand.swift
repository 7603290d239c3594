import Foundation
import GatewayStore
import IOPDomain
import Outbound
import PCPUpdates

/// `fhir-gateway deliver [--data DIR | --store postgres://…] [--endpoint KEY=URL[,profile=rest|transaction|note|communication]]…
/// [--receivers FILE] [--practices] [--no-summaries] [--once] [--lease SECONDS]`: drains the outbox to PCP endpoints,
/// one `EndpointWorker` per endpoint named (and, with `--practices`, per practice on record, keyed
/// by the practice's id as the updates are queued, looked for again as practices are added), each
/// send checked by the consent gate; and queues the scheduled progress summaries as they fall due.
///
/// Every step is a unit of work of the store (claim with a lease, then the outcome), so the
/// process may be killed at any point: a message it was sending comes back when its lease
/// expires and is sent again, which the `rest` and `transaction` profiles make harmless
/// (conditional create on the message's identifier) and the others check by a search first.
/// SIGTERM or SIGINT stops after the exchanges in progress (`DeliveryLoop`); a second signal exits
/// at once.
enum DeliverCommand {
    struct Options {
        var storeFlags = StoreFlags()
        var endpoints: [OutboundEndpoint] = []
        /// `--receivers FILE`: endpoints with their credentials (`ReceiverConfiguration`).
        var receivers: String?
        var practices = false
        var summaries = true
        var once = false
        var lease: Int?
        var location = StoreLocation.sqlite(folder: "var")
    }

    /// How often the running command looks for summaries that fell due and for practices added.
    static let housekeepingPass: Duration = .seconds(300)

    static func run(_ arguments: [String]) async -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "deliver", parse) else { return 2 }
        guard !options.endpoints.isEmpty || options.practices || options.receivers != nil else {
            printError("fhir-gateway deliver: name at least one --endpoint KEY=URL, --receivers FILE or --practices")
            return 2
        }
        do {
            let store = try options.location.open()
            var policy = DeliveryPolicy()
            if let lease = options.lease { policy.lease = .seconds(lease) }
            let gate = ConsentGate(store: store)
            let scheduler = options.summaries ? SummaryScheduler(store: store) : nil
            // The worker id is the lease owner `queue show` names for a message in flight.
            func worker(for endpoint: OutboundEndpoint) -> EndpointWorker {
                let worker = EndpointWorker(endpoint: endpoint, store: store, policy: policy, gate: gate)
                say("delivering \(endpoint.key) to \(endpoint.primary.baseURL.absoluteString) (\(endpoint.primary.profile.rawValue)) as \(worker.workerID)")
                return worker
            }
            var endpoints = options.endpoints
            if let file = options.receivers {
                for endpoint in try ReceiverConfiguration.load(URL(fileURLWithPath: file)) {
                    guard !endpoints.contains(where: { $0.key == endpoint.key }) else {
                        throw UsageError(description: "endpoint '\(endpoint.key)' is named twice")
                    }
                    endpoints.append(endpoint)
                }
            }
            if options.practices { endpoints += try Self.practiceEndpoints(in: store, besides: Set(endpoints.map(\.key))) }
            let workers = endpoints.map(worker(for:))
            if options.once {
                if let scheduler { say("\(try scheduler.enqueueDue()) progress summaries queued") }
                for worker in workers {
                    let report = try await drainDue(worker)
                    say("\(worker.endpoint.key): \(report.delivered) delivered, \(report.retried) to retry, "
                        + "\(report.deadLettered) dead-lettered, \(report.held) held or cancelled by the consent gate")
                }
            } else {
                let loop = DeliveryLoop()
                let idle = policy.idlePoll
                let signals = StopSignals(announcing: "stopping after the exchanges in progress") { loop.stop() }
                await withTaskGroup(of: Void.self) { group in
                    for worker in workers { group.addTask { await loop.run(worker, idle: idle) } }
                    if let scheduler {
                        group.addTask {
                            await loop.repeatUntilStopped(every: housekeepingPass) {
                                do { _ = try await scheduler.enqueueDueOffPool() } catch {
                                    printError("fhir-gateway deliver: summaries: " + options.location.redacted("\(error)"))
                                }
                            }
                        }
                    }
                    // The dispatcher: practices recorded after the start get their worker too.
                    guard options.practices else { return }
                    var started = Set(endpoints.map(\.key))
                    await loop.repeatUntilStopped(every: housekeepingPass) {
                        guard let added = try? Self.practiceEndpoints(in: store, besides: started) else { return }
                        for endpoint in added {
                            started.insert(endpoint.key)
                            let worker = worker(for: endpoint)
                            group.addTask { await loop.run(worker, idle: idle) }
                        }
                    }
                }
                signals.cancel()
            }
            try store.close()
            say("stopped")
            return 0
        } catch {
            printError("fhir-gateway deliver: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    /// The endpoints of the practices on record, but those already served.
    static func practiceEndpoints(in store: any GatewayStore, besides served: Set<String>) throws -> [OutboundEndpoint] {
        try store.read { try PracticeEndpoints.load(from: $0) }.filter { !served.contains($0.key) }
    }

    /// Passes until one claims nothing: what is due now is delivered, retried later or
    /// dead-lettered (a message whose retry falls due during the run is taken too).
    static func drainDue(_ worker: EndpointWorker) async throws -> DeliveryPassReport {
        var total = DeliveryPassReport()
        while true {
            let report = try await worker.runOnce()
            total.claimed += report.claimed
            total.delivered += report.delivered
            total.retried += report.retried
            total.deadLettered += report.deadLettered
            total.held += report.held
            if report.claimed == 0 { return total }
        }
    }

    /// Written straight to the descriptor: print() may sit in stdout's buffer when piped.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--endpoint":
                let endpoint = try endpoint(try arguments.value(for: argument))
                guard !options.endpoints.contains(where: { $0.key == endpoint.key }) else {
                    throw UsageError(description: "endpoint '\(endpoint.key)' is named twice")
                }
                options.endpoints.append(endpoint)
            case "--receivers": options.receivers = try arguments.value(for: argument)
            case "--practices": options.practices = true
            case "--no-summaries": options.summaries = false
            case "--once": options.once = true
            case "--lease": options.lease = try arguments.positiveInteger(for: argument)
            default: throw UsageError(description: "unexpected argument '\(argument)'")
            }
        }
        options.location = try options.storeFlags.location()
        return options
    }

    /// `KEY=URL[,profile=rest|transaction|note|communication]`; the URL is checked as a
    /// practice's would be (https, or http on loopback; no credentials, query or fragment).
    static func endpoint(_ text: String) throws(UsageError) -> OutboundEndpoint {
        let usage = "--endpoint takes KEY=URL[,profile=rest|transaction|note|communication]"
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else { throw UsageError(description: usage) }
        let key = String(text[..<equals])
        var urlText = String(text[text.index(after: equals)...])
        var profile = OutboundDeliveryProfile.rest
        if let range = urlText.range(of: ",profile=", options: .backwards) {
            let name = String(urlText[range.upperBound...])
            guard let named = OutboundDeliveryProfile(rawValue: name) else {
                throw UsageError(description: "unknown profile '\(name)' (rest, transaction, note or communication)")
            }
            profile = named
            urlText = String(urlText[..<range.lowerBound])
        }
        guard let url = URL(string: urlText), !urlText.isEmpty else { throw UsageError(description: usage) }
        do {
            let target = try EndpointTarget(baseURL: url, deliveryProfile: profile.domainProfile)
            return OutboundEndpoint(key: key, primary: EndpointRoute(target: target, profile: profile))
        } catch {
            throw UsageError(description: "endpoint '\(key)': \(error)")
        }
    }
}

