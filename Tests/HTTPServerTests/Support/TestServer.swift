import Foundation
import GatewayTestSupport
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import HTTPServer

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
    try await withLoopbackServer(HTTPServer(configuration: configuration, handler: handler)) { loopback in
        try await body(loopback.server, loopback.port)
    }
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
