import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServer
import Testing

/// Answers with what it received: method, path, query, body length and the body itself.
let echoHandler: @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse = { request, context in
    var headers: HTTPHeaders = ["Content-Type": "text/plain"]
    headers.add(name: "X-Path", value: request.path)
    headers.add(name: "X-Query", value: request.query ?? "")
    headers.add(name: "X-Method", value: request.method)
    headers.add(name: "X-Body-Length", value: String(request.body.count))
    headers.add(name: "X-Connection", value: String(context.connectionID))
    headers.add(name: "X-Request-Number", value: String(context.requestNumber))
    if request.path.hasPrefix("/sleep/"), let millis = Int(request.path.dropFirst(7)) {
        try? await Task.sleep(for: .milliseconds(millis))
    }
    return HTTPResponse(status: 200, headers: headers, body: request.body.isEmpty ? Array(request.path.utf8) : request.body)
}

/// Starts a server on an ephemeral loopback port, runs `body` with it, then drains it.
func withTestServer(
    _ configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    handler: @escaping @Sendable (HTTPRequest, RequestContext) async -> HTTPResponse = echoHandler,
    _ body: (HTTPServer, Int) async throws -> Void
) async throws {
    var configuration = HTTPServerConfiguration(host: "127.0.0.1", port: 0, eventLoopCount: 2)
    configure(&configuration)
    let server = HTTPServer(configuration: configuration, handler: handler)
    let (addresses, continuation) = AsyncStream<HTTPServerAddress>.makeStream()
    let running = Task {
        try await server.run { address in
            continuation.yield(address)
            continuation.finish()
        }
    }
    var iterator = addresses.makeAsyncIterator()
    guard let address = await iterator.next() else {
        try await running.value
        Issue.record("server did not start")
        return
    }
    do {
        try await body(server, address.port)
    } catch {
        await server.shutdown(gracePeriod: .milliseconds(500))
        throw error
    }
    await server.shutdown(gracePeriod: .seconds(2))
    try await running.value
}

/// One session for the whole test process (short-lived sessions have crashed at teardown on Linux).
let testSession: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.timeoutIntervalForRequest = 10
    return URLSession(configuration: configuration)
}()

func url(_ port: Int, _ path: String) -> URL {
    URL(string: "http://127.0.0.1:\(port)\(path)")!
}

/// A minimal well-formed request.
func get(_ path: String = "/", extra: String = "") -> String {
    "GET \(path) HTTP/1.1\r\nHost: test\r\n\(extra)\r\n"
}
