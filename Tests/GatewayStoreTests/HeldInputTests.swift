import Foundation
import Testing
@testable import GatewayStore

@Suite("Inputs held for identity review")
struct HeldInputTests {
    static func held(_ id: String, input: String = "{}") -> HeldInput {
        HeldInput(id: id, origin: "import", contentHash: "abc", input: Data(input.utf8), idSeed: "seed", storedParticipant: "P1",
                  incomingParticipant: "P2", fields: ["Participant.birthDate", "Participant.name"],
                  outcome: Data(#"{"resourceType":"OperationOutcome"}"#.utf8))
    }

    @Test(arguments: StoreEngine.allCases)
    func holdListResolve(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            #expect(try store.write { try $0.holdInput(Self.held("H1", input: "first")) })
            clock.advance(seconds: 1)
            #expect(try store.write { try $0.holdInput(Self.held("H2")) })
            // Holding the same input again (a re-run) keeps the first row as it was.
            #expect(try store.write { try $0.holdInput(Self.held("H1", input: "second")) } == false)
            try store.read { (reader) throws in
                let first = try #require(try reader.heldInput(id: "H1"))
                #expect(first.input == Data("first".utf8) && first.status == .held && first.heldAt < clock.now)
                #expect(first.fields == ["Participant.birthDate", "Participant.name"] && first.contentHash == "abc")
                #expect(try reader.heldInputs(status: .held, limit: 10).map(\.id) == ["H1", "H2"])
            }
            #expect(try store.write { try $0.resolveHeldInput(id: "H1", as: .keptApart, by: "staff:ana") })
            #expect(try store.write { try $0.resolveHeldInput(id: "H1", as: .merged, by: "staff:ana") } == false, "decided once")
            #expect(try store.write { try $0.resolveHeldInput(id: "nope", as: .merged, by: "staff:ana") } == false)
            try store.read { (reader) throws in
                #expect(try reader.heldInputs(status: .held, limit: 10).map(\.id) == ["H2"])
                let decided = try #require(try reader.heldInput(id: "H1"))
                #expect(decided.status == .keptApart && decided.resolvedBy == "staff:ana" && decided.resolvedAt == clock.now)
                #expect(try reader.heldInputs(status: nil, limit: 10).count == 2)
            }
        }
    }

    @Test func migrationsThreeToSixAreOnBothEngines() {
        for all in [SQLiteMigrations.all, PostgresMigrations.all] {
            #expect(all.map(\.version) == [1, 2, 3, 4, 5, 6])
            #expect(all[2].sql.contains("CREATE TABLE search_reindex"))
            #expect(all[3].sql.contains("CREATE TABLE identity_review"))
            #expect(all[4].sql.contains("search_token_by_seq"))
            #expect(all[5].sql.contains("CREATE TABLE auth_assertion") && all[5].sql.contains("CREATE TABLE auth_token"))
        }
    }
}
