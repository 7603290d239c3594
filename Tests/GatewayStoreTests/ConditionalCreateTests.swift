import Foundation
import Testing
@testable import GatewayStore

@Suite("Conditional create")
struct ConditionalCreateTests {
    let match = ConditionalMatch.identifier(type: "Patient", system: "urn:iop:mrn", value: "MRN-1")

    @Test(arguments: StoreEngine.allCases)
    func zeroOneAndSeveralMatches(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            let index = identifierIndex(system: "urn:iop:mrn", value: "MRN-1")
            let first = try store.write { try $0.createIfNoneExist(match, id: nil, body: patientBody("A"), index: index) }
            guard case .created(let created) = first else { Issue.record("expected a create"); return }
            let second = try store.write { try $0.createIfNoneExist(match, id: nil, body: patientBody("B"), index: index) }
            #expect(second == .matched(created))
            // A plain create may still duplicate the identifier; a conditional create then sees two.
            try store.write { _ = try $0.create(type: "Patient", id: nil, body: patientBody("C"), index: index) }
            let third = try store.write { try $0.createIfNoneExist(match, id: nil, body: patientBody("D"), index: index) }
            #expect(third == .multipleMatches(count: 2))
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func twiceInOneUnitOfWorkCreatesOnce(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            let index = identifierIndex(system: "urn:iop:mrn", value: "MRN-1")
            let outcomes = try store.write { (transaction) throws in
                [try transaction.createIfNoneExist(match, id: nil, body: patientBody("A"), index: index),
                 try transaction.createIfNoneExist(match, id: nil, body: patientBody("A"), index: index)]
            }
            guard case .created(let created) = outcomes[0] else { Issue.record("expected a create"); return }
            #expect(outcomes[1] == .matched(created))
        }
    }

    /// 20 concurrent requests with the same `If-None-Exist`, through two store instances (two
    /// writer connections for SQLite, two connection pools for PostgreSQL, as two processes
    /// would have): exactly one resource.
    @Test(arguments: StoreEngine.allCases)
    func concurrentConditionalCreatesMakeExactlyOneResource(engine: StoreEngine) async throws {
        let database = try TestDatabase(engine)
        defer { database.remove() }
        let stores = [try database.openStore(), try database.openStore()]
        let match = self.match
        let index = identifierIndex(system: "urn:iop:mrn", value: "MRN-1")
        let outcomes = try await withThrowingTaskGroup(of: ConditionalCreateOutcome.self) { group in
            for task in 0..<20 {
                let store = stores[task % 2]
                group.addTask {
                    try await store.writeAsync { (transaction) throws in
                        try transaction.createIfNoneExist(match, id: nil, body: patientBody("racer \(task)"), index: index)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        let created = outcomes.compactMap { if case .created(let resource) = $0 { resource } else { nil } }
        let matched = outcomes.compactMap { if case .matched(let resource) = $0 { resource } else { nil } }
        #expect(created.count == 1)
        #expect(matched.count == 19)
        #expect(Set(matched.map(\.id)) == Set(created.map(\.id)))
        let total = try await stores[0].readAsync { (reader) throws in
            try reader.search(ResourceQuery(type: "Patient", includeTotal: true)).total
        }
        #expect(total == 1)
    }

    @Test func lockKeysAreSortedPerTokenValue() {
        let match = ConditionalMatch(type: "Patient", tokens: [
            TokenCriterion(parameter: "identifier", anyOf: [.init(system: .exactly("urn:b"), code: "2"), .init(system: .any, code: "1")]),
            TokenCriterion(parameter: "identifier", system: .none, code: "3"),
        ])
        #expect(match.lockKeys == ["Patient?identifier=*|1", "Patient?identifier=urn:b|2", "Patient?identifier=|3"])
    }
}
