import Foundation
import GatewayCrypto
import GatewayTestSupport

/// `fhir-gateway serve` as a real process on loopback, on a data folder of its own, with one API
/// client whose bearer token the test knows. Output goes to `<folder>/serve.log`.
final class GatewayServeProcess: Sendable {
    let process: Process
    let port: Int
    let exited: ExitWatch
    let log: URL

    private init(process: Process, port: Int, exited: ExitWatch, log: URL) {
        self.process = process
        self.port = port
        self.exited = exited
        self.log = log
    }

    struct StartFailure: Error, CustomStringConvertible {
        var description: String
    }

    var baseURL: URL { URL(string: "http://127.0.0.1:\(port)/fhir")! }

    /// `{"clients":[…]}` granting `token` every interaction on every type.
    static func writeClients(token: String, to url: URL) throws {
        let hash = SHA256Digest.hash(Array(token.utf8)).hex
        try Data(#"{"clients":[{"name":"iop-gateway","tokenSHA256":"\#(hash)","scopes":["system/*.cruds"]}]}"#.utf8).write(to: url)
    }

    /// Starts the gateway (port 0: the system chooses) and waits for its "listening on" line.
    static func start(gateway: URL, data: URL, clients: URL, port: Int = 0) async throws -> GatewayServeProcess {
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        let log = data.appendingPathComponent("serve.log")
        let exited = ExitWatch()
        let process = try ExternalProgram(path: gateway.path).start(
            ["serve", "--port", String(port), "--data", data.path, "--config", clients.path, "--grace", "2"], log: log,
            onExit: { exited.finish($0) })
        // Generous: in a full parallel run the two cooperative threads this loop needs can be
        // busy with other tests for a minute and more.
        let deadline = ContinuousClock.now + .seconds(300)
        while ContinuousClock.now < deadline, process.isRunning {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: #"listening on http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression),
               let chosen = Int(text[range].split(separator: ":").last ?? "") {
                return GatewayServeProcess(process: process, port: chosen, exited: exited, log: log)
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        if process.isRunning { process.terminate() }
        throw StartFailure(description: "fhir-gateway serve did not start: " + ((try? String(contentsOf: log, encoding: .utf8)) ?? ""))
    }

    /// SIGTERM, then waits for the exit (the server drains within its grace period).
    @discardableResult
    func stop() async -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        return await exited.status()
    }
}
