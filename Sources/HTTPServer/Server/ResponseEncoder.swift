/// Serialises response heads. The framing headers are the server's alone (RFC 9112 §6):
/// whatever the handler put in `Content-Length`, `Transfer-Encoding` or `Connection` is dropped.
enum ResponseEncoder {
    enum Framing {
        case contentLength(Int)
        case chunked
        /// HTTP/1.0 streaming: the end of the body is the close of the connection.
        case closeDelimited
        /// 1xx, 204, 304: no body and no length (RFC 9110 §8.6).
        case noBody
    }

    static let frameworkHeaders: Set<String> = ["content-length", "transfer-encoding", "connection", "date", "keep-alive"]

    static func head(
        status: Int, headers: HTTPHeaders, framing: Framing, keepAlive: Bool, requestVersion: HTTPVersion,
        date: String, serverName: String?
    ) -> [UInt8] {
        var text = "HTTP/1.1 \(status) \(HTTPResponse.reasonPhrase(for: status))\r\n"
        text += "Date: \(date)\r\n"
        if let serverName { text += "Server: \(serverName)\r\n" }
        for field in headers where isSafe(field) && !frameworkHeaders.contains(field.name.lowercasedASCII()) {
            text += "\(field.name): \(field.value)\r\n"
        }
        switch framing {
        case .contentLength(let length): text += "Content-Length: \(length)\r\n"
        case .chunked: text += "Transfer-Encoding: chunked\r\n"
        case .closeDelimited, .noBody: break
        }
        if !keepAlive {
            text += "Connection: close\r\n"
        } else if requestVersion == .http1_0 {
            text += "Connection: keep-alive\r\n"
        }
        text += "\r\n"
        return Array(text.utf8)
    }

    /// A handler must not be able to split the response: names are tokens, values have no CR, LF or NUL.
    static func isSafe(_ field: HTTPField) -> Bool {
        !field.name.isEmpty && field.name.utf8.allSatisfy(HTTPRequestParser.isTokenChar)
            && field.value.utf8.allSatisfy { $0 == 0x09 || ($0 >= 0x20 && $0 != 0x7F) }
    }

    static func bodyAllowed(status: Int) -> Bool {
        !(status < 200 || status == 204 || status == 304)
    }

    /// A small plain-text response the server writes itself (errors, timeouts, overload).
    static func simple(
        status: Int, keepAlive: Bool, retryAfter: Int?, version: HTTPVersion, date: String, serverName: String?
    ) -> [UInt8] {
        var headers: HTTPHeaders = ["Content-Type": "text/plain; charset=utf-8"]
        if let retryAfter { headers.add(name: "Retry-After", value: String(retryAfter)) }
        let body = Array("\(status) \(HTTPResponse.reasonPhrase(for: status))\n".utf8)
        return head(
            status: status, headers: headers, framing: .contentLength(body.count), keepAlive: keepAlive,
            requestVersion: version, date: date, serverName: serverName) + body
    }

    static func chunk(_ bytes: [UInt8]) -> [UInt8] {
        Array(String(bytes.count, radix: 16).utf8) + [0x0D, 0x0A] + bytes + [0x0D, 0x0A]
    }

    static let lastChunk: [UInt8] = Array("0\r\n\r\n".utf8)
    static let continueResponse: [UInt8] = Array("HTTP/1.1 100 Continue\r\n\r\n".utf8)
}
