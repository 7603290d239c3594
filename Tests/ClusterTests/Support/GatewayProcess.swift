import Foundation
import GatewayTestSupport

/// One `fhir-gateway` child process of a cluster test, its stdout and stderr in a log file of
/// its own (read back for the listening port and for failure messages).
final class GatewayProcess: @unchecked Sendable {
    // @unchecked Sendable: `process` is only started here and then signalled and polled, which
    // Foundation's Process allows from any thread; the rest is immutable.
    static let executable = BuiltExecutable.url(named: "fhir-gateway")

    let name: String
    let log: URL
    private let process: Process

    private init(name: String, log: URL, process: Process) {
        self.name = name
        self.log = log
        self.process = process
    }

    /// Starts `fhir-gateway <arguments>`; `name` names its log in `folder`. A log already there
    /// (the same process started again) is appended to.
    static func start(_ arguments: [String], name: String, in folder: URL) throws -> GatewayProcess {
        guard let executable else { throw ClusterTestError(GatewayProcess.absentMessage) }
        let log = folder.appendingPathComponent(name + ".log")
        let process = try ExternalProgram(path: executable.path).start(arguments, log: log, appending: true)
        return GatewayProcess(name: name, log: log, process: process)
    }

    static let absentMessage = BuiltExecutable.absentMessage

    var pid: Int32 { process.processIdentifier }
    var isRunning: Bool { process.isRunning }

    func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// The exit status once the process has ended (negated for a signal), or nil after `timeout`.
    func exit(within timeout: Duration) async throws -> Int32? {
        let end = ContinuousClock.now + timeout
        while process.isRunning {
            guard ContinuousClock.now < end else { return nil }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationReason == .uncaughtSignal ? -process.terminationStatus : process.terminationStatus
    }

    /// The port of `serve`'s latest "listening on http://127.0.0.1:PORT/fhir" line (a restarted
    /// process appends a new one), waiting for one with an index past `after`.
    func listeningPort(afterLine after: Int = 0, timeout: Duration = .seconds(300)) async throws -> (port: Int, line: Int) {
        let end = ContinuousClock.now + timeout
        while ContinuousClock.now < end {
            let lines = self.lines
            if let index = lines.indices.last(where: { $0 >= after && lines[$0].hasPrefix("listening on http://") }),
               let port = Self.port(in: lines[index]) {
                return (port, index + 1)
            }
            guard process.isRunning else { throw ClusterTestError("\(name) exited before listening: \(tail)") }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw ClusterTestError("\(name) did not start listening: \(tail)")
    }

    private static func port(in line: String) -> Int? {
        let address = line.dropFirst("listening on http://".count).prefix { $0 != "/" }
        return address.split(separator: ":").last.flatMap { Int($0) }
    }

    var lines: [String] {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The last lines of the log, for failure messages.
    var tail: String { lines.suffix(12).joined(separator: "\n") }

    /// SIGKILL if still running (a test's clean-up).
    func stop() {
        if process.isRunning { send(SIGKILL) }
        process.waitUntilExit()
    }
}

struct ClusterTestError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

/// A fresh folder under the system temporary directory (logs, client configuration).
func temporaryFolder(_ prefix: String) throws -> URL {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    return folder
}
