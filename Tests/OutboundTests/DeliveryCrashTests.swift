import Foundation
import GatewayStore
import GatewayTestSupport
import Synchronization
import Testing
@testable import Outbound

/// `fhir-gateway deliver` as a real process, killed with SIGKILL at random points and started
/// again until the queue is drained (issue "Outbound delivery": a crash at any point loses no
/// message and files none twice). The receiver honours `If-None-Exist` the way a FHIR server
/// does, so a resend after a kill is answered 200 and filed once.
@Suite("Delivery killed with SIGKILL")
struct DeliveryCrashTests {
    static let gateway = BuiltExecutable.url(named: "fhir-gateway")

    static let participants = 8
    static let perParticipant = 25

    @Test("killed at random points and restarted, every message is filed exactly once, in order per participant",
          .enabled(if: gateway != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func killedAndRestarted() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("delivery-crash-\(UUID().uuidString)")
        let data = work.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        // 200 messages, the participants interleaved so every batch mixes them.
        let store = try SQLiteGatewayStore(path: data.appendingPathComponent("gateway.sqlite").path)
        var expected: [String: [String]] = [:]  // participant → labels in enqueue order
        var identifiers: Set<String> = []
        for index in 0..<Self.perParticipant {
            for participant in 0..<Self.participants {
                let key = String(format: "participant-%02d", participant)
                let label = key + "/" + String(format: "%03d", index)
                let message = try Fixture.enqueue(store, endpoint: "pcp", participant: key, label: label, consented: true)
                expected[key, default: []].append(label)
                identifiers.insert(message.idempotencyKey)
            }
        }

        // Conditional create honoured only when the request asks for it on the message's identifier.
        let receiver = ScriptedReceiver { request, _ in
            guard let resource = ScriptedReceiver.resource(in: request.body),
                  let identifier = ScriptedReceiver.gatewayIdentifier(resource),
                  request.headers["If-None-Exist"] == "identifier=\(OutboundIdentifier.system)|\(identifier)"
            else { return .create(honourConditional: false) }
            return .create()
        }
        // Each answer leaves 10 ms after the filing, so many kills fall between the receiver
        // filing a message and the store recording it: the resend must be answered "already filed".
        let server = try await LoopbackServer.start { request in
            let response = await receiver.handle(request)
            try? await Task.sleep(for: .milliseconds(10))
            return response
        }
        let deliver = ["deliver", "--data", data.path, "--endpoint", "pcp=\(server.baseURL.absoluteString)", "--lease", "1"]
        let log = work.appendingPathComponent("deliver.log")

        var kills = 0
        var runs = 0
        while runs < 80, try Self.openCount(store) > 0 {
            runs += 1
            let status = try await Self.run(deliver, log: log, signal: SIGKILL, after: .milliseconds(Int.random(in: 100...800)))
            if status == -SIGKILL {
                kills += 1
            } else {
                Issue.record("deliver exited with \(status) before the kill: \(Self.tail(log))")
                break
            }
        }
        // Whatever the last kill left in flight comes back when its lease (1 s) expires; what an
        // exchange cut short left waiting for a retry (backoff from 2 s) comes due soon after:
        // --once passes, undisturbed, until the queue is empty (a bounded wait).
        let settled = ContinuousClock.now + .seconds(120)
        repeat {
            try await Task.sleep(for: .milliseconds(1500))
            let final = try await Self.run(deliver + ["--once"], log: log)
            #expect(final == 0, "a final --once pass: \(Self.tail(log))")
        } while try Self.openCount(store) > 0 && ContinuousClock.now < settled
        let stillOpen = try store.read { reader in
            try [OutboundStatus.pending, .inFlight].flatMap { try reader.outboundMessages(endpointKey: "pcp", status: $0, limit: 100) }
        }.map { "\($0.participantKey) \($0.status.rawValue) attempts=\($0.attempts) next=\($0.nextAttemptAt) error=\($0.lastError ?? "-")" }
        // SIGTERM stops the long-running form cleanly.
        #expect(try await Self.run(deliver, log: log, signal: SIGTERM, after: .milliseconds(500)) == 0, "\(Self.tail(log))")
        await server.stop()

        let filed = receiver.filed
        let posts = receiver.requests.filter { $0.method == "POST" }.count
        print("delivery crash test: \(identifiers.count) messages, \(runs) runs, \(kills) kills, \(posts) creates sent, "
              + "\(posts - filed.count) answered as already filed, \(filed.count) filed")
        #expect(kills > 0, "no run was killed: the test proved nothing")
        #expect(stillOpen.isEmpty, "messages still open after the final passes: \(stillOpen)")

        // Exactly once: no identifier filed twice, none missing.
        let filedIdentifiers = filed.map(\.identifier)
        #expect(Set(filedIdentifiers).count == filedIdentifiers.count, "an identifier was filed twice")
        #expect(Set(filedIdentifiers) == identifiers, "filed: \(filed.count) of \(identifiers.count)")

        // Per-participant order: each participant's messages arrived in the order they were queued.
        var arrived: [String: [String]] = [:]
        for label in filed.compactMap(\.label) {
            arrived[String(label.split(separator: "/")[0]), default: []].append(label)
        }
        for (participant, labels) in expected {
            #expect(arrived[participant] == labels, "order of \(participant)")
        }

        // The process logged its state changes as JSON lines, without participants or payloads.
        let logLines = ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").filter { $0.hasPrefix("{") }
        let events = logLines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.count == logLines.count, "every log line is JSON")
        // A line is written after its commit, so a kill between the two loses that one line (a
        // worker commits one outcome at a time): at most one per kill.
        #expect(events.filter { $0["event"] as? String == "outbound.delivered" }.count >= identifiers.count - kills)
        #expect(!logLines.contains { $0.contains("participant-") }, "no participant or payload text in the log")

        // The store agrees with the receiver: every message delivered, with the id it was filed under.
        let delivered = try store.read { try $0.outboundMessages(endpointKey: "pcp", status: .delivered, limit: 10_000) }
        #expect(delivered.count == identifiers.count)
        let filedByIdentifier = Dictionary(filed.map { ($0.identifier, $0) }, uniquingKeysWith: { first, _ in first })
        for message in delivered {
            guard let receiverCopy = filedByIdentifier[message.idempotencyKey] else {
                Issue.record("\(message.id) is delivered in the store but the receiver does not have it")
                continue
            }
            #expect(message.remoteId == "Communication/\(receiverCopy.id)/_history/1", "remote id of \(message.id)")
        }
    }

    /// Pending and in-flight messages.
    static func openCount(_ store: SQLiteGatewayStore) throws -> Int {
        try store.read { try $0.queueDepth() }.filter { $0.status == .pending || $0.status == .inFlight }.reduce(0) { $0 + $1.count }
    }

    /// Runs the gateway to its end, or sends `signal` after `delay`; the exit status, negated
    /// when a signal ended it. Output goes to `log` (appended), for the failure messages.
    static func run(_ arguments: [String], log: URL, signal: Int32? = nil, after delay: Duration = .zero) async throws -> Int32 {
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let output = try FileHandle(forWritingTo: log)
        output.seekToEndOfFile()
        defer { try? output.close() }
        let process = Process()
        process.executableURL = gateway
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = output
        let exited = ExitWatch()
        process.terminationHandler = { process in
            exited.finish(process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus)
        }
        try process.run()
        if let signal {
            try await Task.sleep(for: delay)
            kill(process.processIdentifier, signal)
        }
        return await exited.status()
    }

    static func tail(_ log: URL) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(8).joined(separator: "\n")
    }
}
