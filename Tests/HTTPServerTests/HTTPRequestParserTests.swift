import Testing

@testable import HTTPServer

/// Feeds `pieces` one after another, keeping unconsumed bytes as a server would, and merges
/// adjacent body events so that differently split inputs compare equal.
func parseEvents(_ pieces: [[UInt8]], limits: HTTPParserLimits = HTTPParserLimits()) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(limits: limits)
    var events: [HTTPParserEvent] = []
    var pending: [UInt8] = []
    func append(_ event: HTTPParserEvent) {
        if case .body(let more) = event, case .body(let earlier)? = events.last {
            events[events.count - 1] = .body(earlier + more)
        } else {
            events.append(event)
        }
    }
    outer: for piece in pieces + [[]] {
        pending += piece
        while true {
            let step = pending.withUnsafeBytes { parser.parse($0) }
            pending.removeFirst(step.consumed)
            guard let event = step.event else { break }
            append(event)
            if case .error = event { break outer }
        }
    }
    return events
}

func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }

/// Every way of cutting the input in two, plus byte by byte.
func splits(_ input: [UInt8]) -> [[[UInt8]]] {
    var result: [[[UInt8]]] = [input.map { [$0] }]
    for cut in 0...input.count {
        result.append([Array(input[..<cut]), Array(input[cut...])])
    }
    return result
}

let validRequests: [String] = [
    "GET / HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /fhir/Patient?name=x&_count=5 HTTP/1.1\r\nHost: a\r\nAccept: application/fhir+json\r\n\r\n",
    "\r\nGET /after-empty-line HTTP/1.0\r\n\r\n",
    "POST /fhir HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\nContent-Type: application/fhir+json\r\n\r\n{\"a\":\"b\"}\r\n",
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\nX-Checksum: abc\r\n\r\n",
    "POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\nA\r\n0123456789\r\n0\r\n\r\n",
    "PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3, 3\r\nExpect: 100-continue\r\n\r\nabc",
    "GET http://example.org/abs/path?q=1 HTTP/1.1\r\nHost: example.org\r\n\r\n",
    "OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n",
    "GET /a HTTP/1.1\r\nHost: a\r\n\r\nGET /b HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
    "GET /obs HTTP/1.1\r\nHost: a\r\nX-Latin: caf\u{E9}\r\nX-Empty:\r\nX-Tabs:\t v \t\r\n\r\n",
]

struct MalformedCase: Sendable, CustomTestStringConvertible {
    var name: String
    var request: String
    var kind: HTTPParserError.Kind
    var testDescription: String { name }
}

let smallLimits = HTTPParserLimits(
    maxRequestLineLength: 64, maxHeaderSectionSize: 256, maxHeaderCount: 5, maxBodySize: 32,
    maxChunkExtensionSize: 16, maxTrailerSectionSize: 32)

let malformedCases: [MalformedCase] = [
    .init(name: "Content-Length with Transfer-Encoding",
        request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
        kind: .contentLengthWithTransferEncoding),
    .init(name: "two different Content-Lengths",
        request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
        kind: .conflictingContentLength),
    .init(name: "Content-Length list that differs",
        request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5, 6\r\n\r\nhello!", kind: .conflictingContentLength),
    .init(name: "signed Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: +5\r\n\r\nhello",
        kind: .invalidContentLength),
    .init(name: "non-digit Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5x\r\n\r\nhello",
        kind: .invalidContentLength),
    .init(name: "empty Content-Length", request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: \r\n\r\n",
        kind: .invalidContentLength),
    .init(name: "chunk size overflow",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nFFFFFFFFFFFFFFFFF1\r\n", kind: .chunkSizeOverflow),
    .init(name: "chunk size not hex",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", kind: .invalidChunkSize),
    .init(name: "chunk without CRLF after data",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n0\r\n\r\n", kind: .invalidChunkTerminator),
    .init(name: "obs-fold", request: "GET / HTTP/1.1\r\nHost: a\r\nX-A: b\r\n c\r\n\r\n", kind: .obsFold),
    .init(name: "space before colon", request: "GET / HTTP/1.1\r\nHost : a\r\n\r\n", kind: .whitespaceBeforeColon),
    .init(name: "bare CR in a field", request: "GET / HTTP/1.1\r\nHost: a\rX: y\r\n\r\n", kind: .bareCR),
    .init(name: "bare CR in the request line", request: "GET /\r HTTP/1.1\r\nHost: a\r\n\r\n", kind: .bareCR),
    .init(name: "bare LF", request: "GET / HTTP/1.1\nHost: a\r\n\r\n", kind: .bareLF),
    .init(name: "missing Host", request: "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n", kind: .missingHost),
    .init(name: "repeated Host", request: "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", kind: .duplicateHost),
    .init(name: "repeated Host in HTTP/1.0", request: "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n", kind: .duplicateHost),
    .init(name: "Transfer-Encoding gzip", request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip\r\n\r\n",
        kind: .unsupportedTransferCoding),
    .init(name: "chunked not final",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", kind: .chunkedNotFinal),
    .init(name: "chunked twice",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
        kind: .chunkedNotFinal),
    .init(name: "Transfer-Encoding in HTTP/1.0",
        request: "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", kind: .transferEncodingInHTTP10),
    .init(name: "HTTP/2.0", request: "GET / HTTP/2.0\r\nHost: a\r\n\r\n", kind: .unsupportedVersion),
    .init(name: "lower-case version", request: "GET / http/1.1\r\nHost: a\r\n\r\n", kind: .invalidRequestLine),
    .init(name: "two spaces in request line", request: "GET  / HTTP/1.1\r\nHost: a\r\n\r\n", kind: .invalidRequestLine),
    .init(name: "target not origin-form", request: "GET foo HTTP/1.1\r\nHost: a\r\n\r\n", kind: .invalidTarget),
    .init(name: "CONNECT", request: "CONNECT a:443 HTTP/1.1\r\nHost: a\r\n\r\n", kind: .methodNotImplemented),
    .init(name: "NUL in a value", request: "GET / HTTP/1.1\r\nHost: a\r\nX: a\u{0}b\r\n\r\n", kind: .invalidFieldValue),
    .init(name: "empty field name", request: "GET / HTTP/1.1\r\nHost: a\r\n: v\r\n\r\n", kind: .invalidFieldName),
    .init(name: "unknown expectation", request: "GET / HTTP/1.1\r\nHost: a\r\nExpect: teapot\r\n\r\n", kind: .expectationFailed),
    // Limits (smallLimits).
    .init(name: "request line too long", request: "GET /\(String(repeating: "a", count: 80)) HTTP/1.1\r\nHost: a\r\n\r\n",
        kind: .requestLineTooLong),
    .init(name: "too many headers",
        request: "GET / HTTP/1.1\r\nHost: a\r\n" + (1...5).map { "X-\($0): v\r\n" }.joined() + "\r\n", kind: .tooManyHeaders),
    .init(name: "header section too large",
        request: "GET / HTTP/1.1\r\nHost: a\r\nX: \(String(repeating: "v", count: 300))\r\n\r\n", kind: .headerSectionTooLarge),
    .init(name: "Content-Length over the body limit",
        request: "POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 33\r\n\r\n", kind: .bodyTooLarge),
    .init(name: "chunked body over the limit",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n0123456789abcdef\r\n11\r\n", kind: .bodyTooLarge),
    .init(name: "chunk extension too long",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n1;\(String(repeating: "e", count: 20))\r\n",
        kind: .chunkExtensionTooLong),
    .init(name: "trailers too large",
        request: "POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX-T: \(String(repeating: "t", count: 40))\r\n\r\n",
        kind: .trailerSectionTooLarge),
    .init(name: "too many empty lines first", request: "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: a\r\n\r\n",
        kind: .tooManyEmptyLines),
]

@Suite("HTTP request parser")
struct HTTPRequestParserTests {
    @Test("a GET is parsed into method, path, query, version and headers")
    func parsesGet() throws {
        let events = parseEvents([bytes(validRequests[1])])
        guard case .head(let head) = events.first else {
            Issue.record("no head: \(events)")
            return
        }
        #expect(head.method == "GET")
        #expect(head.path == "/fhir/Patient")
        #expect(head.query == "name=x&_count=5")
        #expect(head.version == .http1_1)
        #expect(head.headers["accept"] == "application/fhir+json")
        #expect(head.headers.fields.map(\.name) == ["Host", "Accept"])
        #expect(head.keepAlive)
        #expect(events.count == 2 && events[1] == .end)
    }

    @Test("a chunked body is decoded and its trailers dropped")
    func chunked() {
        let events = parseEvents([bytes(validRequests[4])])
        #expect(events.count == 3)
        #expect(events[1] == .body(bytes("hello, world")))
        #expect(events[2] == .end)
    }

    @Test("absolute-form and asterisk-form targets")
    func targetForms() {
        if case .head(let head) = parseEvents([bytes(validRequests[7])]).first {
            #expect(head.path == "/abs/path" && head.query == "q=1")
        } else {
            Issue.record("absolute-form refused")
        }
        if case .head(let head) = parseEvents([bytes(validRequests[8])]).first {
            #expect(head.path == "*")
        } else {
            Issue.record("asterisk-form refused")
        }
    }

    @Test("HTTP/1.0 closes unless keep-alive; Connection: close is seen; Expect is reported")
    func connectionSemantics() {
        guard case .head(let old) = parseEvents([bytes(validRequests[2])]).first,
            case .head(let keep) = parseEvents([bytes("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n")]).first,
            case .head(let expect) = parseEvents([bytes(validRequests[6])]).first
        else {
            Issue.record("not parsed")
            return
        }
        #expect(!old.keepAlive)
        #expect(keep.keepAlive)
        #expect(expect.expectsContinue)
        #expect(expect.framing == .contentLength(3))
        let events = parseEvents([bytes(validRequests[9])])
        #expect(events.count == 4)
        if case .head(let second) = events[2] { #expect(!second.keepAlive && second.path == "/b") }
    }

    @Test("every valid request gives the same events however it is split", arguments: validRequests)
    func splitValid(_ request: String) {
        let input = bytes(request)
        let whole = parseEvents([input])
        #expect(!whole.isEmpty)
        #expect(!whole.contains { if case .error = $0 { true } else { false } }, "\(whole)")
        for pieces in splits(input) {
            #expect(parseEvents(pieces) == whole, "split \(pieces.map(\.count))")
        }
    }

    @Test("every malformed request is refused with its reason however it is split", arguments: malformedCases)
    func splitMalformed(_ testCase: MalformedCase) {
        let input = bytes(testCase.request)
        let whole = parseEvents([input], limits: smallLimits)
        #expect(whole.last == .error(HTTPParserError(testCase.kind)), "\(whole)")
        for pieces in splits(input) {
            #expect(parseEvents(pieces, limits: smallLimits).last == whole.last, "split \(pieces.map(\.count))")
        }
    }

    @Test("statuses: 400 for framing, 413, 414, 431, 501, 505")
    func statuses() {
        #expect(HTTPParserError(.contentLengthWithTransferEncoding).status == 400)
        #expect(HTTPParserError(.bodyTooLarge).status == 413)
        #expect(HTTPParserError(.requestLineTooLong).status == 414)
        #expect(HTTPParserError(.tooManyHeaders).status == 431)
        #expect(HTTPParserError(.headerSectionTooLarge).status == 431)
        #expect(HTTPParserError(.unsupportedTransferCoding).status == 501)
        #expect(HTTPParserError(.unsupportedVersion).status == 505)
    }

    @Test("after an error the parser swallows everything and reports nothing more")
    func failedIsTerminal() {
        var parser = HTTPRequestParser()
        let first = parser.parseAll(bytes("GET / HTTP/1.1\r\nHost : a\r\n\r\n"))
        #expect(first == [.error(HTTPParserError(.whitespaceBeforeColon))])
        #expect(parser.hasFailed)
        #expect(parser.parseAll(bytes(validRequests[0])).isEmpty)
    }

    @Test("huge Content-Length does not overflow")
    func hugeContentLength() {
        let events = parseEvents([bytes("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 99999999999999999999999999\r\n\r\n")])
        #expect(events == [.error(HTTPParserError(.bodyTooLarge))])
    }

    @Test("the parser is idle between requests")
    func idleBetweenRequests() {
        var parser = HTTPRequestParser()
        #expect(parser.isAtMessageStart)
        _ = parser.parseAll(bytes(validRequests[0]))
        #expect(parser.isAtMessageStart)
        _ = parser.parseAll(bytes("GET"))
        #expect(!parser.isAtMessageStart)
    }
}
