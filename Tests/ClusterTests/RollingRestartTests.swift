import Foundation
import GatewayStore
import Synchronization
import Testing

extension ClusterTests {
    /// Three `serve` and three `deliver` processes on one PostgreSQL database, restarted one at a
    /// time with SIGTERM under steady load from the test: every request is answered (2xx, or 503
    /// with Retry-After while a process drains, after which the test's balancer sends it to another),
    /// every accepted write is in the database once, and every queued message reaches the receiver.
    @Suite("Cluster: rolling restart under load", .serialized)
    struct RollingRestartTests {
        static let loadWorkers = 4
        /// Queued before the load; 200 a second more during it.
        static let messages = 1_000
        static let endpoints = 4

        /// The load's stop flag and what it saw, shared by its threads.
        final class LoadState: Sendable {
            let stop = Atomic<Bool>(false)
            let tally = Mutex(Tally())
            /// Messages the test queued during the load.
            let queued = Mutex<Set<String>>([])
        }

        /// What the load saw.
        struct Tally {
            var accepted: [String] = []
            var drainRefusals = 0
            var refusedConnections = 0
            var lost: [String] = []
            var unexpected: [String] = []
        }

        @Test("SIGTERM and restart, one process at a time: no request refused but with 503 + Retry-After, no write or message lost",
              .enabled(if: ClusterFixtures.enabled, ClusterFixtures.skipReason))
        func rollingRestart() async throws {
            try await withClusterDatabase { database in
                let folder = try temporaryFolder("cluster-rolling")
                defer { try? FileManager.default.removeItem(at: folder) }
                let clients = try ClusterFixtures.writeClients(in: folder)
                let store = try await database.openStore()
                // Messages queued before the restarts and all through them, so deliveries are in
                // progress whenever a deliver process is stopped.
                var keys = try await ClusterFixtures.enqueue(store, count: Self.messages, endpoints: Self.endpoints)
                let receiver = try await CountingReceiver.start()

                let serve = ClusterFixtures.serveArguments(database, clients: clients, extra: ["--drain-notice", "2"])
                let deliver = ClusterFixtures.deliverArguments(database, receiver: receiver, endpoints: Self.endpoints, lease: 5)
                var servers = try (0..<3).map { try GatewayProcess.start(serve, name: "serve-\($0)", in: folder) }
                var deliverers = try (0..<3).map { try GatewayProcess.start(deliver, name: "deliver-\($0)", in: folder) }
                defer {
                    servers.forEach { $0.stop() }
                    deliverers.forEach { $0.stop() }
                }
                var ports: [Int] = []
                for server in servers { ports.append(try await server.listeningPort().port) }
                let balancer = LoadBalancer(ports: ports)

                // The load: workers posting conditional creates, each a new MRN, back to back.
                let state = LoadState()
                let load = Task {
                    await withTaskGroup(of: Void.self) { group in
                        for worker in 0..<Self.loadWorkers {
                            group.addTask { await onThread { Self.post(worker: worker, balancer, state) } }
                        }
                        group.addTask {
                            var next = Self.messages
                            while !state.stop.load(ordering: .relaxed) {
                                let queued = try? await ClusterFixtures.enqueue(store, count: 20, first: next, endpoints: Self.endpoints)
                                state.queued.withLock { $0.formUnion(queued ?? []) }
                                next += 20
                                try? await Task.sleep(for: .milliseconds(100))
                            }
                        }
                        group.addTask {
                            while !state.stop.load(ordering: .relaxed) {
                                await onThread { balancer.probe() }
                                try? await Task.sleep(for: .milliseconds(200))
                            }
                        }
                    }
                }

                // The rolling restart.
                try await Task.sleep(for: .seconds(2))
                let restartStart = ContinuousClock.now
                for index in 0..<3 {
                    let before = servers[index].lines.count
                    servers[index].send(SIGTERM)
                    #expect(try await servers[index].exit(within: .seconds(120)) == 0, "serve-\(index): \(servers[index].tail)")
                    servers[index] = try GatewayProcess.start(serve, name: "serve-\(index)", in: folder)
                    balancer.bringIn(index, port: try await servers[index].listeningPort(afterLine: before).port)

                    deliverers[index].send(SIGTERM)
                    #expect(try await deliverers[index].exit(within: .seconds(120)) == 0, "deliver-\(index): \(deliverers[index].tail)")
                    deliverers[index] = try GatewayProcess.start(deliver, name: "deliver-\(index)", in: folder)
                    try await Task.sleep(for: .seconds(2))
                }
                state.stop.store(true, ordering: .relaxed)
                await load.value
                let restartTime = ContinuousClock.now - restartStart
                keys.formUnion(state.queued.withLock { $0 })

                let drainStart = ContinuousClock.now
                let drained = try await ClusterFixtures.waitUntilDrained(store, timeout: .seconds(180))
                print("rolling restart: outbox drained in \(ContinuousClock.now - drainStart)")
                let stopStart = ContinuousClock.now
                for process in servers + deliverers {
                    process.send(SIGTERM)
                    #expect(try await process.exit(within: .seconds(120)) == 0, "\(process.name): \(process.tail)")
                }
                await receiver.stop()
                print("rolling restart: stopped in \(ContinuousClock.now - stopStart)")

                let seen = state.tally.withLock { $0 }
                print("rolling restart (\(restartTime)): \(seen.accepted.count) writes accepted, \(seen.drainRefusals) answered 503 + Retry-After while draining, "
                      + "\(seen.refusedConnections) connections refused (sent elsewhere), \(keys.count) messages delivered")
                #expect(seen.lost.isEmpty, "\(seen.lost.count) requests sent and not answered: \(seen.lost.prefix(3))")
                #expect(seen.unexpected.isEmpty, "answers other than 2xx or 503 + Retry-After: \(seen.unexpected.prefix(3))")
                #expect(seen.accepted.count > 50, "the load was not steady: \(seen.accepted.count) writes")
                // Every accepted write is in the database, once.
                let stored = try await ClusterFixtures.patientsByMRN(store)
                let missing = seen.accepted.filter { stored[$0] != 1 }
                #expect(missing.isEmpty, "\(missing.count) accepted writes are not in the database exactly once, e.g. \(missing.prefix(3))")
                // Every message reached the receiver and is filed once.
                let open = try await ClusterFixtures.count(store, [.pending, .inFlight])
                #expect(drained, "messages still open: \(open)")
                let counts = receiver.counts
                #expect(Set(counts.posts.keys) == keys, "received \(counts.posts.count) of \(keys.count) identifiers")
                #expect(counts.filed.count == keys.count)
                #expect(try await ClusterFixtures.count(store, [.delivered]) == keys.count)
            }
        }

        /// One load worker: a conditional create per new MRN until `stop`; a 503 + Retry-After or a
        /// refused connection sends the same request to another process.
        static func post(worker: Int, _ balancer: LoadBalancer, _ state: LoadState) {
            var number = 0
            while !state.stop.load(ordering: .relaxed) {
                number += 1
                let mrn = "RR-\(worker)-\(number)"
                var headers = ClusterFixtures.authorization
                headers["If-None-Exist"] = "identifier=http://clinic.example.org/mrn|\(mrn)"
                headers["Content-Type"] = "application/fhir+json"
                let body = Array(ClusterFixtures.patientJSON(mrn: mrn).utf8)
                while true {
                    guard let (index, port) = balancer.pick() else {
                        if state.stop.load(ordering: .relaxed) { return }
                        usleep(20_000)
                        continue
                    }
                    do {
                        let reply = try LoopbackExchange.send(port: port, method: "POST", path: "/fhir/Patient", headers: headers, body: body)
                        if reply.status == 201 || reply.status == 200 {
                            state.tally.withLock { $0.accepted.append(mrn) }
                        } else if reply.status == 503, reply.headers["retry-after"] != nil {
                            state.tally.withLock { $0.drainRefusals += 1 }
                            balancer.takeOut(index, port: port)
                            continue
                        } else {
                            state.tally.withLock { $0.unexpected.append("\(reply.status): \(reply.text.prefix(300))") }
                        }
                    } catch {
                        switch error {
                        case .refused:
                            state.tally.withLock { $0.refusedConnections += 1 }
                            balancer.takeOut(index, port: port)
                            continue
                        case .lost(let reason):
                            state.tally.withLock { $0.lost.append("\(mrn) to :\(port): \(reason)") }
                        }
                    }
                    break
                }
            }
        }
    }
}
