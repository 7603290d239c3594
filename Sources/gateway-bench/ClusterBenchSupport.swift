import Foundation
import GatewayTestSupport

/// A database of its own for one case of `gateway-bench cluster`, made and dropped with `psql`
/// (the benchmark runs where the server's client tools are; libpq stays GatewayStore's alone).
struct PostgresBenchDatabase {
    let admin: String
    let name: String
    let url: String

    static func create(admin: String, name: String) throws -> PostgresBenchDatabase {
        guard var components = URLComponents(string: admin) else { throw BenchError("--postgres is not a URL") }
        try psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        try psql(admin, "CREATE DATABASE \(name)")
        components.path = "/" + name
        return PostgresBenchDatabase(admin: admin, name: name, url: components.string ?? admin)
    }

    func drop() { try? Self.psql(admin, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)") }

    private static func psql(_ url: String, _ command: String) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", command]
        process.standardOutput = FileHandle.nullDevice
        var environment = ProcessInfo.processInfo.environment
        environment["PGOPTIONS"] = "-c client_min_messages=warning"  // no "does not exist, skipping"
        process.environment = environment
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("psql failed: \(command)") }
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A `fhir-gateway` child process, its output in a log file.
final class ChildProcess {
    private let process: Process
    let log: URL

    private init(process: Process, log: URL) {
        self.process = process
        self.log = log
    }

    static func start(_ executable: URL, _ arguments: [String], log: URL) throws -> ChildProcess {
        let process = try ExternalProgram(path: executable.path).start(arguments, log: log)
        return ChildProcess(process: process, log: log)
    }

    /// The port of `serve`'s "listening on http://127.0.0.1:PORT/fhir" line.
    func listeningPort(timeout: Double = 60) throws -> Int {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let line = text.split(separator: "\n").first(where: { $0.hasPrefix("listening on http://") }),
               let port = line.dropFirst("listening on http://".count).prefix(while: { $0 != "/" }).split(separator: ":").last.flatMap({ Int($0) }) {
                return port
            }
            guard process.isRunning else { throw BenchError("fhir-gateway exited: \(text.suffix(600))") }
            usleep(20_000)
        }
        throw BenchError("fhir-gateway did not start listening")
    }

    /// SIGTERM, and a wait for the exit.
    func stop() {
        if process.isRunning { process.terminate() }
        process.waitUntilExit()
    }
}
