import Foundation
import GatewayStore
import Testing

extension ClusterTests {
    /// Three `deliver` processes on one PostgreSQL outbox and one loopback receiver that counts
    /// every create per message identifier: claims with `FOR UPDATE SKIP LOCKED` keep the processes
    /// apart, and leases hand a killed process's work to the others.
    @Suite("Cluster: delivery by three processes", .serialized)
    struct ClusterDeliveryTests {
        static let endpoints = 4

        @Test("10,000 queued messages are delivered exactly once between three processes",
              .enabled(if: ClusterFixtures.enabled, ClusterFixtures.skipReason))
        func tenThousandExactlyOnce() async throws {
            try await withClusterDatabase { database in
                let folder = try temporaryFolder("cluster-deliver")
                defer { try? FileManager.default.removeItem(at: folder) }
                let store = try await database.openStore()
                let keys = try await ClusterFixtures.enqueue(store, count: 10_000, endpoints: Self.endpoints)
                let receiver = try await CountingReceiver.start()
                let arguments = ClusterFixtures.deliverArguments(database, receiver: receiver, endpoints: Self.endpoints, lease: 600)
                let processes = try (0..<3).map { try GatewayProcess.start(arguments, name: "deliver-\($0)", in: folder) }
                defer { processes.forEach { $0.stop() } }

                let start = ContinuousClock.now
                let drained = try await ClusterFixtures.waitUntilDrained(store, timeout: .seconds(300))
                let elapsed = ContinuousClock.now - start
                let open = try await ClusterFixtures.count(store, [.pending, .inFlight])
                #expect(drained, "messages still open: \(open)")
                for process in processes {
                    process.send(SIGTERM)
                    #expect(try await process.exit(within: .seconds(120)) == 0, "\(process.name): \(process.tail)")
                }
                await receiver.stop()

                let counts = receiver.counts
                print("cluster delivery: \(keys.count) messages by 3 processes in \(elapsed), \(counts.posts.values.reduce(0, +)) creates received")
                #expect(Set(counts.posts.keys) == keys, "received \(counts.posts.count) of \(keys.count) identifiers")
                let twice = counts.posts.filter { $0.value != 1 }
                #expect(twice.isEmpty, "\(twice.count) identifiers were sent more than once, e.g. \(twice.first.map { "\($0.key) ×\($0.value)" } ?? "")")
                #expect(counts.refused == 0)
                #expect(try await ClusterFixtures.count(store, [.delivered]) == keys.count)
                #expect(try await ClusterFixtures.count(store, [.deadLetter]) == 0)
            }
        }

        @Test("one process killed with SIGKILL mid-delivery: the others take its leased messages once the lease expires",
              .enabled(if: ClusterFixtures.enabled, ClusterFixtures.skipReason))
        func killedProcessWorkTakenOver() async throws {
            try await withClusterDatabase { database in
                let folder = try temporaryFolder("cluster-kill")
                defer { try? FileManager.default.removeItem(at: folder) }
                let store = try await database.openStore()
                let keys = try await ClusterFixtures.enqueue(store, count: 3_000, endpoints: Self.endpoints)
                // Answers 5 ms after filing, so every worker holds leased messages most of the time.
                let receiver = try await CountingReceiver.start(delay: .milliseconds(5))
                // A short lease, so the killed process's claims come back within the test.
                let lease = 5
                let arguments = ClusterFixtures.deliverArguments(database, receiver: receiver, endpoints: Self.endpoints, lease: lease)
                let processes = try (0..<3).map { try GatewayProcess.start(arguments, name: "deliver-\($0)", in: folder) }
                defer { processes.forEach { $0.stop() } }

                // Mid-delivery: a fifth of the messages delivered, every process busy.
                let end = ContinuousClock.now + .seconds(120)
                while try await ClusterFixtures.count(store, [.delivered]) < keys.count / 5, ContinuousClock.now < end {
                    try await Task.sleep(for: .milliseconds(20))
                }
                // Its workers are named in its "delivering … as <worker id>" lines; their ids are the
                // lease owners of what they claim.
                let victim = processes[0]
                let victimWorkers = Set(victim.lines.compactMap { line in
                    line.hasPrefix("delivering ") ? line.components(separatedBy: " as ").last : nil
                })
                #expect(victimWorkers.count == Self.endpoints, "\(victim.tail)")
                // Killed while it holds leases: frozen (SIGSTOP) until a look at the store finds
                // messages in flight under its workers, then SIGKILL; those are its orphans.
                var orphaned: [String: OutboundMessage] = [:]
                for _ in 0..<200 {
                    victim.send(SIGSTOP)
                    orphaned = try await Self.inFlight(store).filter { victimWorkers.contains($0.value.leaseOwner ?? "") }
                    if !orphaned.isEmpty { break }
                    victim.send(SIGCONT)
                    try await Task.sleep(for: .milliseconds(20))
                }
                victim.send(SIGKILL)
                #expect(try await victim.exit(within: .seconds(10)) == -SIGKILL)
                // A commit the process sent just before it was frozen still lands (the server
                // finishes it): what it really left behind is what is still leased to it now.
                try await Task.sleep(for: .milliseconds(500))
                let stillLeased = try await Self.inFlight(store).filter { victimWorkers.contains($0.value.leaseOwner ?? "") }
                orphaned = orphaned.filter { stillLeased[$0.key] != nil }
                #expect(!orphaned.isEmpty, "the killed process held no lease: the test proved nothing")

                let drained = try await ClusterFixtures.waitUntilDrained(store, timeout: .seconds(300))
                let open = try await ClusterFixtures.count(store, [.pending, .inFlight])
                #expect(drained, "messages still open: \(open)")
                for process in processes.dropFirst() {
                    process.send(SIGTERM)
                    #expect(try await process.exit(within: .seconds(120)) == 0, "\(process.name): \(process.tail)")
                }
                await receiver.stop()

                let counts = receiver.counts
                let resent = counts.posts.values.reduce(0, +) - counts.posts.count
                print("cluster kill: \(keys.count) messages, \(orphaned.count) leased to the killed process, \(resent) sent twice")
                // Nothing lost: every identifier reached the receiver and every message is delivered.
                #expect(Set(counts.posts.keys) == keys, "received \(counts.posts.count) of \(keys.count) identifiers")
                #expect(try await ClusterFixtures.count(store, [.delivered]) == keys.count)
                #expect(try await ClusterFixtures.count(store, [.deadLetter]) == 0)
                // Nothing duplicated: each filed once. A message the killed process had sent but not
                // yet recorded is sent again by another and answered "already filed" (If-None-Exist);
                // only those can be sent twice.
                #expect(counts.filed.count == keys.count)
                #expect(resent <= orphaned.count, "\(resent) resends, \(orphaned.count) messages leased to the killed process")
                // Taken over, and only once the lease had expired.
                for (id, message) in orphaned {
                    let after = try await store.readAsync { try $0.outboundMessage(id: id) }
                    #expect(after?.status == .delivered, "\(id) leased to the killed process")
                    if let delivered = after?.deliveredAt, let expiry = message.leaseExpiresAt {
                        #expect(delivered >= expiry, "\(id) delivered before the killed process's lease expired")
                    }
                }
            }
        }

        /// Messages in flight now, by id.
        static func inFlight(_ store: some GatewayStore) async throws -> [String: OutboundMessage] {
            let messages = try await store.readAsync { try $0.outboundMessages(endpointKey: nil, status: .inFlight, limit: 10_000) }
            return Dictionary(uniqueKeysWithValues: messages.map { ($0.id, $0) })
        }
    }
}
