import Foundation
import GatewayStore
import Testing

extension ClusterTests {
    /// Three `serve` processes on one PostgreSQL database: the same conditional create posted to
    /// all of them at once makes one resource (the store serialises conditional creates on their
    /// match with an advisory lock, across processes).
    @Suite("Cluster: conditional create on three processes", .serialized)
    struct ClusterConditionalCreateTests {
        static let requestsPerProcess = 12

        @Test("the same conditional create posted to three processes at once: one 201, the rest 200, one resource",
              .enabled(if: ClusterFixtures.enabled, ClusterFixtures.skipReason))
        func oneResource() async throws {
            try await withClusterDatabase { database in
                let folder = try temporaryFolder("cluster-create")
                defer { try? FileManager.default.removeItem(at: folder) }
                let clients = try ClusterFixtures.writeClients(in: folder)
                let processes = try (0..<3).map {
                    try GatewayProcess.start(ClusterFixtures.serveArguments(database, clients: clients), name: "serve-\($0)", in: folder)
                }
                defer { processes.forEach { $0.stop() } }
                var ports: [Int] = []
                for process in processes { ports.append(try await process.listeningPort().port) }
                let store = try await database.openStore()

                // Three rounds, each a new identifier: every round races 36 requests over the three.
                for round in 0..<3 {
                    let mrn = "CLUSTER-\(round)-" + UUID().uuidString.prefix(8)
                    var headers = ClusterFixtures.authorization
                    headers["If-None-Exist"] = "identifier=http://clinic.example.org/mrn|\(mrn)"
                    headers["Content-Type"] = "application/fhir+json"
                    let body = Array(ClusterFixtures.patientJSON(mrn: mrn).utf8)
                    let sendHeaders = headers
                    let replies = await withTaskGroup(of: Result<LoopbackExchange.Reply, LoopbackExchange.Failure>.self) { group in
                        for index in 0..<(3 * Self.requestsPerProcess) {
                            let port = ports[index % 3]
                            group.addTask {
                                await onThread {
                                    Result { () throws(LoopbackExchange.Failure) in
                                        try LoopbackExchange.send(port: port, method: "POST", path: "/fhir/Patient", headers: sendHeaders, body: body)
                                    }
                                }
                            }
                        }
                        var replies: [Result<LoopbackExchange.Reply, LoopbackExchange.Failure>] = []
                        for await reply in group { replies.append(reply) }
                        return replies
                    }
                    let answered = replies.compactMap { try? $0.get() }
                    #expect(answered.count == replies.count, "round \(round): \(replies.count - answered.count) requests failed")
                    let statuses = answered.map(\.status)
                    #expect(statuses.filter { $0 == 201 }.count == 1, "round \(round): statuses \(statuses.sorted())")
                    #expect(statuses.filter { $0 == 200 }.count == replies.count - 1, "round \(round): statuses \(statuses.sorted())")
                    // Each process names itself in Location: compare what follows /fhir/.
                    let locations = Set(answered.compactMap { $0.headers["location"]?.components(separatedBy: "/fhir/").last })
                    #expect(locations.count == 1, "round \(round): the answers name \(locations.count) resources")
                    #expect(try await ClusterFixtures.patients(store, mrn: mrn).count == 1, "round \(round): resources in the store")
                }
                for process in processes {
                    process.send(SIGTERM)
                    #expect(try await process.exit(within: .seconds(120)) == 0, "\(process.name): \(process.tail)")
                }
            }
        }
    }
}
