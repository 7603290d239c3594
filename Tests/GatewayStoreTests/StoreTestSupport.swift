import Foundation
import Synchronization
@testable import GatewayStore

/// A clock the test moves by hand; starts at 2024-05-01T09:00:00Z.
final class TestClock: Sendable {
    private let microseconds = Mutex<Int64>(1_714_554_000_000_000)

    var now: StoreTimestamp { StoreTimestamp(microsecondsSinceEpoch: microseconds.withLock { $0 }) }

    func advance(seconds: Int64) {
        microseconds.withLock { $0 += seconds * 1_000_000 }
    }

    var function: @Sendable () -> StoreTimestamp { { [self] in now } }
}

/// A fresh directory under the system temporary folder, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var databasePath: String { url.appendingPathComponent("gateway.sqlite").path }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs `body` with a store on a real file in a temporary directory.
func withFileStore<T>(
    clock: TestClock = TestClock(), _ body: (SQLiteGatewayStore, TemporaryDirectory) throws -> T
) throws -> T {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let store = try SQLiteGatewayStore(path: directory.databasePath, clock: clock.function)
    return try body(store, directory)
}

func patientBody(_ name: String) -> Data {
    Data(#"{"resourceType":"Patient","name":[{"family":"\#(name)"}]}"#.utf8)
}

func identifierIndex(system: String = "urn:oid:2.16.840.1.113883.4.1", value: String) -> SearchIndex {
    SearchIndex(tokens: [.init(parameter: "identifier", system: system, code: value)])
}

/// Runs a command and returns its standard output, or nil when it could not run.
func runProcess(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

/// The sqlite3 command-line shell, when installed.
let sqlite3Shell: String? = ["/usr/bin/sqlite3", "/usr/local/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
