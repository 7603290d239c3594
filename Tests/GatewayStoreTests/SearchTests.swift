import Foundation
import Testing
@testable import GatewayStore

@Suite("Search")
struct SearchTests {
    /// Five appointments a second apart: a0 ... a4; even ones for participant P1, odd for P2.
    func seed(_ store: any GatewayStore, _ clock: TestClock) throws -> [StoredResource] {
        var created: [StoredResource] = []
        for index in 0..<5 {
            clock.advance(seconds: 1)
            let resource = try store.write { (transaction) throws in
                try transaction.create(
                    type: "Appointment", id: "a\(index)", body: Data("{\"n\":\(index)}".utf8),
                    index: SearchIndex(
                        tokens: [
                            .init(parameter: "identifier", system: "urn:iop:appointment", code: "A-\(index)"),
                            .init(parameter: "status", system: nil, code: index == 4 ? "cancelled" : "booked"),
                        ],
                        references: [.init(parameter: "patient", target: "Patient/P\(index % 2 + 1)")],
                        dates: [.init(
                            parameter: "date", low: StoreTimestamp(microsecondsSinceEpoch: Int64(index) * 1_000_000),
                            high: StoreTimestamp(microsecondsSinceEpoch: Int64(index) * 1_000_000 + 999_999))]))
            }
            created.append(resource)
        }
        return created
    }

    @Test(arguments: StoreEngine.allCases)
    func tokenSearchesHonourSystems(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            _ = try seed(store, clock)
            try store.read { (reader) throws in
                func ids(_ criterion: TokenCriterion) throws -> [String] {
                    try reader.search(ResourceQuery(type: "Appointment", tokens: [criterion], order: .idAscending)).resources.map(\.id)
                }
                #expect(try ids(.init(parameter: "identifier", system: .exactly("urn:iop:appointment"), code: "A-2")) == ["a2"])
                #expect(try ids(.init(parameter: "identifier", system: .exactly("urn:other"), code: "A-2")) == [])
                #expect(try ids(.init(parameter: "identifier", system: .any, code: "A-3")) == ["a3"])
                #expect(try ids(.init(parameter: "identifier", system: .none, code: "A-3")) == [])
                #expect(try ids(.init(parameter: "status", system: .none, code: "cancelled")) == ["a4"])
                #expect(try ids(.init(parameter: "identifier", system: .exactly("urn:iop:appointment"), code: nil)).count == 5)
                #expect(try ids(.init(parameter: "identifier", anyOf: [
                    .init(system: .any, code: "A-0"), .init(system: .any, code: "A-4"),
                ])) == ["a0", "a4"])
                // Two criteria AND.
                let both = try reader.search(ResourceQuery(type: "Appointment", tokens: [
                    .init(parameter: "status", code: "booked"), .init(parameter: "identifier", code: "A-4"),
                ]))
                #expect(both.resources.isEmpty)
                #expect(try reader.search(ResourceQuery(type: "Patient", tokens: [.init(parameter: "identifier", code: "A-1")])).resources.isEmpty)
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func referenceIdAndDateSearches(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            _ = try seed(store, clock)
            try store.read { (reader) throws in
                let p1 = try reader.search(ResourceQuery(
                    type: "Appointment", references: [.init(parameter: "patient", target: "Patient/P1")], order: .idAscending))
                #expect(p1.resources.map(\.id) == ["a0", "a2", "a4"])
                let either = try reader.search(ResourceQuery(
                    type: "Appointment", references: [.init(parameter: "patient", anyOf: ["Patient/P1", "Patient/P2"])]))
                #expect(either.resources.count == 5)
                let byId = try reader.search(ResourceQuery(type: "Appointment", ids: ["a1", "a3", "zz"], order: .idAscending))
                #expect(byId.resources.map(\.id) == ["a1", "a3"])
                #expect(try reader.search(ResourceQuery(type: "Appointment", ids: [])).resources.isEmpty)
                let dates = try reader.search(ResourceQuery(
                    type: "Appointment",
                    dates: [.init(parameter: "date", overlapping: TimeRange(
                        from: StoreTimestamp(microsecondsSinceEpoch: 1_500_000), to: StoreTimestamp(microsecondsSinceEpoch: 3_000_000)))],
                    order: .idAscending))
                #expect(dates.resources.map(\.id) == ["a1", "a2"])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func lastUpdatedRangeAndNewestFirst(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            let created = try seed(store, clock)
            try store.read { (reader) throws in
                let all = try reader.search(ResourceQuery(type: "Appointment"))
                #expect(all.resources.map(\.id) == ["a4", "a3", "a2", "a1", "a0"])
                let middle = try reader.search(ResourceQuery(
                    type: "Appointment", lastUpdated: TimeRange(from: created[1].lastUpdated, to: created[3].lastUpdated)))
                #expect(middle.resources.map(\.id) == ["a2", "a1"])
                let since = try reader.search(ResourceQuery(type: "Appointment", lastUpdated: TimeRange(from: created[3].lastUpdated)))
                #expect(since.resources.map(\.id) == ["a4", "a3"])
            }
            // An update moves a resource to the front and replaces its index rows.
            clock.advance(seconds: 1)
            try store.write { (transaction) throws in
                _ = try transaction.update(
                    type: "Appointment", id: "a0", body: Data("{}".utf8),
                    index: SearchIndex(tokens: [.init(parameter: "status", system: nil, code: "fulfilled")]), ifMatch: 1,
                    createIfMissing: false)
            }
            try store.read { (reader) throws in
                #expect(try reader.search(ResourceQuery(type: "Appointment", count: 1)).resources.map(\.id) == ["a0"])
                #expect(try reader.search(ResourceQuery(type: "Appointment", tokens: [.init(parameter: "identifier", code: "A-0")])).resources.isEmpty)
                #expect(try reader.search(ResourceQuery(type: "Appointment", tokens: [.init(parameter: "status", code: "fulfilled")])).resources.map(\.id) == ["a0"])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases, [ResourceOrder.lastUpdatedDescending, .idAscending])
    func cursorAndOffsetPaging(engine: StoreEngine, order: ResourceOrder) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            // Some share one timestamp (one unit of work) to exercise the tie-break.
            try store.write { (transaction) throws in
                for index in 0..<4 { _ = try transaction.create(type: "Patient", id: "same-\(index)", body: patientBody("x"), index: .empty) }
            }
            _ = try seed(store, clock)
            try store.write { (transaction) throws in
                for index in 0..<3 { _ = try transaction.create(type: "Patient", id: "later-\(index)", body: patientBody("x"), index: .empty) }
            }
            let expected = try store.read { try $0.search(ResourceQuery(type: "Patient", order: order, count: 100)).resources.map(\.id) }
            #expect(expected.count == 7)
            var pages: [[String]] = []
            var cursor: SearchCursor?
            repeat {
                let page = try store.read {
                    try $0.search(ResourceQuery(type: "Patient", order: order, count: 3, cursor: cursor, includeTotal: true))
                }
                #expect(page.total == 7)
                pages.append(page.resources.map(\.id))
                cursor = page.next
            } while cursor != nil
            #expect(pages.map(\.count) == [3, 3, 1])
            #expect(pages.flatMap { $0 } == expected)
            let offsetPage = try store.read { try $0.search(ResourceQuery(type: "Patient", order: order, count: 3, offset: 3)) }
            #expect(offsetPage.resources.map(\.id) == Array(expected[3..<6]))
            #expect(offsetPage.next != nil)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func aTransactionSeesItsOwnWrites(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            try store.write { (transaction) throws in
                _ = try transaction.create(type: "Patient", id: "p1", body: patientBody("A"), index: identifierIndex(value: "9"))
                let page = try transaction.search(ResourceQuery(type: "Patient", tokens: [.init(parameter: "identifier", code: "9")]))
                #expect(page.resources.map(\.id) == ["p1"])
            }
        }
    }
}
