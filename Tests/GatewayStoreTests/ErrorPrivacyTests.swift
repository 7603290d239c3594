import Foundation
import Testing
@testable import GatewayStore

/// Errors end up in logs, OperationOutcomes and dead-letter records: they must never carry a
/// bound value.
@Suite("Errors carry no patient data")
struct ErrorPrivacyTests {
    static let secret = "PATIENT-SECRET-123"

    func expectNoSecret(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let error else {
            Issue.record("expected an error", sourceLocation: sourceLocation)
            return
        }
        for text in ["\(error)", String(reflecting: error), error.localizedDescription, String(describing: error)] {
            #expect(!text.contains(Self.secret), "leaked: \(text)", sourceLocation: sourceLocation)
            #expect(!text.contains("SECRET"), sourceLocation: sourceLocation)
        }
    }

    func caught(_ body: () throws -> Void) -> (any Error)? {
        do { try body() } catch { return error }
        return nil
    }

    @Test(arguments: StoreEngine.allCases)
    func constraintAndVersionErrors(engine: StoreEngine) throws {
        try withStore(engine) { (store) throws in
            let secretBody = patientBody(Self.secret)
            let index = identifierIndex(system: "urn:\(Self.secret)", value: Self.secret)
            try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: secretBody, index: index) }

            let duplicate = caught { try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: secretBody, index: index) } }
            #expect(duplicate as? StoreError == .duplicate(what: "resource id already in use"))
            expectNoSecret(duplicate)

            expectNoSecret(caught {
                try store.write { _ = try $0.update(type: "Patient", id: Self.secret, body: secretBody, index: index, ifMatch: 9, createIfMissing: false) }
            })
            expectNoSecret(caught {
                try store.write { _ = try $0.update(type: "Patient", id: "other-" + Self.secret, body: secretBody, index: index, ifMatch: nil, createIfMissing: false) }
            })

            let message = NewOutboundMessage(
                id: Self.secret, endpointKey: "pcp", participantKey: Self.secret, priority: .routine, idempotencyKey: Self.secret,
                payload: secretBody, contentType: "application/fhir+json")
            try store.write { _ = try $0.enqueue(message) }
            var clash = message
            clash.idempotencyKey = "other"
            let duplicateMessage = caught { try store.write { _ = try $0.enqueue(clash) } }
            #expect(duplicateMessage as? StoreError == .duplicate(what: "enqueue outbound message"))
            expectNoSecret(duplicateMessage)

            let badDate = SearchIndex(dates: [.init(
                parameter: Self.secret, low: StoreTimestamp(microsecondsSinceEpoch: 2), high: StoreTimestamp(microsecondsSinceEpoch: 1))])
            expectNoSecret(caught { try store.write { _ = try $0.create(type: "Patient", id: nil, body: secretBody, index: badDate) } })
        }
    }

    /// An engine error raised while a secret is bound: SQLite's message names the constraint.
    @Test func engineErrorsNameTheOperationAndCodeOnly() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try SQLiteGatewayStore(path: directory.databasePath)
        let connection = try SQLiteConnection(path: directory.databasePath, readOnly: false)
        try connection.execute("PRAGMA foreign_keys = ON", purpose: "test")
        let error = caught {
            try connection.run(
                "INSERT INTO resource_head (type, id, version, seq, last_updated, deleted) VALUES (?, ?, 1, 424242, 0, 0)",
                [.text("Patient"), .text(Self.secret)], purpose: "update resource head")
        }
        guard case .engine(let code, let operation, let text) = error as? StoreError else {
            Issue.record("expected an engine error, got \(String(describing: error))")
            return
        }
        #expect(code == 787)  // SQLITE_CONSTRAINT_FOREIGNKEY
        #expect(operation == "update resource head")
        #expect(text.contains("FOREIGN KEY"))
        expectNoSecret(error)
    }

    /// Another process holds the write lock past the busy timeout.
    @Test func busyErrors() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let store = try SQLiteGatewayStore(path: directory.databasePath, busyTimeout: .milliseconds(50))
        let holder = try SQLiteConnection(path: directory.databasePath, readOnly: false)
        try holder.execute("BEGIN IMMEDIATE", purpose: "test")
        let error = caught {
            try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: patientBody(Self.secret), index: .empty) }
        }
        #expect(error as? StoreError == .busy(operation: "begin write"))
        expectNoSecret(error)
        try holder.execute("ROLLBACK", purpose: "test")
        try store.write { _ = try $0.create(type: "Patient", id: Self.secret, body: patientBody(Self.secret), index: .empty) }
    }

    @Test func everyCaseDescribesItselfWithoutArguments() {
        let cases: [StoreError] = [
            .notFound(what: "Patient resource"), .conflict(expected: 1, current: 2), .duplicate(what: "x"), .busy(operation: "y"),
            .corrupt(operation: "z"), .schemaTooNew(found: 3, supported: 1), .transactionAborted, .misuse("m"),
            .engine(code: 1, operation: "o", message: "SQL logic error"),
        ]
        for error in cases {
            #expect(!error.description.isEmpty)
            #expect(String(reflecting: error) == "StoreError(\(error.description))")
        }
    }
}
