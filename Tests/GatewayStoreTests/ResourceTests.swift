import Foundation
import Testing
@testable import GatewayStore

@Suite("Versioned resources")
struct ResourceTests {
    @Test(arguments: StoreEngine.allCases)
    func createReadVreadUpdateAndHistory(engine: StoreEngine) throws {
        let clock = TestClock()
        try withStore(engine, clock: clock) { (store) throws in
            let body = patientBody("Ada")
            let created = try store.write { try $0.create(type: "Patient", id: nil, body: body, index: .empty) }
            #expect(created.versionId == 1)
            #expect(created.lastUpdated == clock.now)
            #expect(created.body == body)
            #expect(created.contentHash == ContentHash.sha256Hex(body))
            #expect(created.id.count == 36 && created.id == created.id.lowercased())

            clock.advance(seconds: 5)
            let updated = try store.write { (transaction) throws in
                try transaction.update(
                    type: "Patient", id: created.id, body: patientBody("Ada Lovelace"), index: .empty, ifMatch: 1,
                    createIfMissing: false)
            }
            #expect(updated.created == false)
            #expect(updated.resource.versionId == 2)
            #expect(updated.resource.lastUpdated == clock.now)

            try store.read { (reader) throws in
                #expect(try reader.read(type: "Patient", id: created.id) == updated.resource)
                #expect(try reader.vread(type: "Patient", id: created.id, versionId: 1) == created)
                #expect(try reader.vread(type: "Patient", id: created.id, versionId: 3) == nil)
                #expect(try reader.read(type: "Patient", id: "absent") == nil)
                #expect(try reader.history(type: "Patient", id: created.id, limit: 10).map(\.versionId) == [2, 1])
                #expect(try reader.history(type: "Patient", id: created.id, limit: 1).map(\.versionId) == [2])
            }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func ifMatchMismatchIsAConflictAndWritesNothing(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            let created = try store.write { try $0.create(type: "Patient", id: "p1", body: patientBody("A"), index: .empty) }
            #expect(throws: StoreError.conflict(expected: 7, current: 1)) {
                try store.write { (transaction) throws in
                    try transaction.update(
                        type: "Patient", id: "p1", body: patientBody("B"), index: .empty, ifMatch: 7, createIfMissing: false)
                }
            }
            #expect(throws: StoreError.conflict(expected: 1, current: nil)) {
                try store.write { try $0.delete(type: "Patient", id: "nobody", ifMatch: 1) }
            }
            #expect(try store.read { try $0.read(type: "Patient", id: "p1") } == created)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func updateOfAMissingResourceCreatesOnlyWhenAllowed(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            #expect(throws: StoreError.notFound(what: "Patient resource")) {
                try store.write { (transaction) throws in
                    try transaction.update(
                        type: "Patient", id: "client-id", body: patientBody("A"), index: .empty, ifMatch: nil, createIfMissing: false)
                }
            }
            let outcome = try store.write { (transaction) throws in
                try transaction.update(
                    type: "Patient", id: "client-id", body: patientBody("A"), index: .empty, ifMatch: nil, createIfMissing: true)
            }
            #expect(outcome.created && outcome.resource.versionId == 1)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func duplicateIdIsRefused(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            try store.write { _ = try $0.create(type: "Patient", id: "p1", body: patientBody("A"), index: .empty) }
            #expect(throws: StoreError.duplicate(what: "resource id already in use")) {
                try store.write { _ = try $0.create(type: "Patient", id: "p1", body: patientBody("B"), index: .empty) }
            }
            // Same id, another type: fine.
            try store.write { _ = try $0.create(type: "Practitioner", id: "p1", body: Data("{}".utf8), index: .empty) }
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func deleteWritesATombstoneAndUpdateRevives(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            try store.write { _ = try $0.create(type: "Patient", id: "p1", body: patientBody("A"), index: identifierIndex(value: "1")) }
            let tombstone = try store.write { try $0.delete(type: "Patient", id: "p1", ifMatch: nil) }
            #expect(tombstone?.versionId == 2 && tombstone?.isDeleted == true && tombstone?.body.isEmpty == true)
            #expect(try store.write { try $0.delete(type: "Patient", id: "p1", ifMatch: nil) } == nil)
            try store.read { (reader) throws in
                #expect(try reader.read(type: "Patient", id: "p1")?.isDeleted == true)
                let page = try reader.search(ResourceQuery(type: "Patient", tokens: [TokenCriterion(parameter: "identifier", code: "1")]))
                #expect(page.resources.isEmpty)
            }
            #expect(throws: StoreError.duplicate(what: "resource id already in use")) {
                try store.write { _ = try $0.create(type: "Patient", id: "p1", body: patientBody("B"), index: .empty) }
            }
            let revived = try store.write { (transaction) throws in
                try transaction.update(type: "Patient", id: "p1", body: patientBody("C"), index: .empty, ifMatch: nil, createIfMissing: true)
            }
            #expect(revived.created && revived.resource.versionId == 3)
        }
    }

    @Test(arguments: StoreEngine.allCases)
    func bodiesAreStoredAsGivenByteForByte(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            // Odd but legal bytes: decimal lexemes, key order, non-ASCII, an embedded NUL.
            let body = Data(#"{"resourceType":"Observation","valueQuantity":{"value":1.50},"note":"Zoë"}"#.utf8) + Data([0, 0xff])
            let stored = try store.write { try $0.create(type: "Observation", id: nil, body: body, index: .empty) }
            #expect(try store.read { try $0.read(type: "Observation", id: stored.id)?.body } == body)
        }
    }
}
