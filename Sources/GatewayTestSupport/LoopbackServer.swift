import HTTPServer

/// An `HTTPServer` a test runs on loopback: started until it listens (so its port is known,
/// the kernel's choice when the configuration asks for port 0), and drained by `stop`. The
/// one way the test targets start servers, whatever they answer with (echo handlers, the FHIR
/// API, scripted receivers).
public final class LoopbackServer: Sendable {
    public let server: HTTPServer
    public let port: Int
    private let running: Task<Void, any Error>

    private init(server: HTTPServer, port: Int, running: Task<Void, any Error>) {
        self.server = server
        self.port = port
        self.running = running
    }

    /// Runs `server` and returns once it listens; throws the bind error when it cannot.
    public static func start(_ server: HTTPServer) async throws -> LoopbackServer {
        let (addresses, continuation) = AsyncStream<HTTPServerAddress>.makeStream()
        let running = Task {
            defer { continuation.finish() }
            try await server.run { address in
                continuation.yield(address)
                continuation.finish()
            }
        }
        var iterator = addresses.makeAsyncIterator()
        guard let address = await iterator.next() else {
            try await running.value
            throw LoopbackServerError()
        }
        return LoopbackServer(server: server, port: address.port, running: running)
    }

    /// Drains the server: requests in progress get `gracePeriod` to finish.
    public func stop(gracePeriod: Duration = .milliseconds(200)) async {
        await server.shutdown(gracePeriod: gracePeriod)
        // `run` throws only when it cannot bind, which `start` has already reported.
        _ = try? await running.value
    }
}

/// Runs `body` with `server` listening on loopback, then drains it, also when `body` throws.
public func withLoopbackServer(_ server: HTTPServer, _ body: (LoopbackServer) async throws -> Void) async throws {
    let loopback = try await LoopbackServer.start(server)
    do {
        try await body(loopback)
    } catch {
        await loopback.stop(gracePeriod: .milliseconds(500))
        throw error
    }
    await loopback.stop(gracePeriod: .seconds(2))
}

public struct LoopbackServerError: Error, CustomStringConvertible {
    public var description: String { "the server stopped before it listened" }
}
