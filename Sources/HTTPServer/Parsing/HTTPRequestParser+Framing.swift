/// Validation of the request line, field lines and message framing (RFC 9112 §3, §5, §6).
extension HTTPRequestParser {
    /// tchar (RFC 9110 §5.6.2): the characters of methods and field names.
    @inline(__always)
    static func isTokenChar(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case 0x21, 0x23, 0x24, 0x25, 0x26, 0x27, 0x2A, 0x2B, 0x2D, 0x2E, 0x5E, 0x5F, 0x60, 0x7C, 0x7E: true
        default: false
        }
    }

    /// field-vchar, SP, HTAB and obs-text (RFC 9110 §5.5): no other control byte, no DEL.
    @inline(__always)
    static func isFieldValueChar(_ byte: UInt8) -> Bool {
        byte == 0x09 || (byte >= 0x20 && byte != 0x7F)
    }

    static func parseFieldLine(_ line: [UInt8]) -> Result<HTTPField, HTTPParserError> {
        guard let colon = line.firstIndex(of: 0x3A) else { return .failure(HTTPParserError(.invalidFieldName)) }
        guard colon > 0 else { return .failure(HTTPParserError(.invalidFieldName)) }
        for index in 0..<colon where !isTokenChar(line[index]) {
            let byte = line[index]
            return .failure(HTTPParserError(byte == 0x20 || byte == 0x09 ? .whitespaceBeforeColon : .invalidFieldName))
        }
        var start = colon + 1
        var end = line.count
        while start < end, line[start] == 0x20 || line[start] == 0x09 { start += 1 }
        while end > start, line[end - 1] == 0x20 || line[end - 1] == 0x09 { end -= 1 }
        for index in start..<end where !isFieldValueChar(line[index]) {
            return .failure(HTTPParserError(.invalidFieldValue))
        }
        let name = String(decoding: line[0..<colon], as: UTF8.self)
        let value = String(decoding: line[start..<end], as: UTF8.self)
        return .success(HTTPField(name: name, value: value))
    }

    static func makeHead(
        requestLine: [UInt8], fields: [HTTPField], limits: HTTPParserLimits
    ) -> Result<HTTPRequestHead, HTTPParserError> {
        // request-line = method SP request-target SP HTTP-version (RFC 9112 §3): exactly two SPs.
        let parts = requestLine.split(separator: 0x20, omittingEmptySubsequences: false)
        guard parts.count == 3 else { return .failure(HTTPParserError(.invalidRequestLine)) }
        let methodBytes = parts[0], targetBytes = parts[1], versionBytes = parts[2]
        guard !methodBytes.isEmpty, methodBytes.allSatisfy(isTokenChar) else {
            return .failure(HTTPParserError(.invalidMethod))
        }
        guard !targetBytes.isEmpty, targetBytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            return .failure(HTTPParserError(.invalidTarget))
        }
        let version: HTTPVersion
        switch Array(versionBytes) {
        case Array("HTTP/1.1".utf8): version = .http1_1
        case Array("HTTP/1.0".utf8): version = .http1_0
        case let other where other.count == 8 && other.starts(with: "HTTP/".utf8)
            && other[5] >= 0x30 && other[5] <= 0x39 && other[6] == 0x2E && other[7] >= 0x30 && other[7] <= 0x39:
            return .failure(HTTPParserError(.unsupportedVersion))
        default:
            return .failure(HTTPParserError(.invalidRequestLine))
        }
        let method = String(decoding: methodBytes, as: UTF8.self)
        if method == "CONNECT" { return .failure(HTTPParserError(.methodNotImplemented)) }
        let target = String(decoding: targetBytes, as: UTF8.self)
        guard let (path, query) = splitTarget(Array(targetBytes), method: method) else {
            return .failure(HTTPParserError(.invalidTarget))
        }
        let headers = HTTPHeaders(fields.map { ($0.name, $0.value) })

        // Host (RFC 9112 §3.2): exactly one in HTTP/1.1, at most one in HTTP/1.0.
        let hostCount = fields.reduce(0) { $0 + (HTTPHeaders.equalsIgnoringCase($1.name, "Host") ? 1 : 0) }
        if hostCount > 1 { return .failure(HTTPParserError(.duplicateHost)) }
        if hostCount == 0 && version == .http1_1 { return .failure(HTTPParserError(.missingHost)) }

        let framing: HTTPRequestHead.BodyFraming
        switch bodyFraming(headers: headers, version: version, limits: limits) {
        case .success(let value): framing = value
        case .failure(let error): return .failure(error)
        }

        var expectsContinue = false
        let expectations = headers.values(for: "Expect")
        if !expectations.isEmpty {
            // RFC 9110 §10.1.1: the only expectation is 100-continue; HTTP/1.0 ignores it.
            guard expectations.allSatisfy({ HTTPHeaders.equalsIgnoringCase($0, "100-continue") }) else {
                return .failure(HTTPParserError(.expectationFailed))
            }
            expectsContinue = version == .http1_1 && framing != .none && framing != .contentLength(0)
        }

        let keepAlive: Bool
        if headers.hasToken("close", in: "Connection") {
            keepAlive = false
        } else if version == .http1_0 {
            keepAlive = headers.hasToken("keep-alive", in: "Connection")
        } else {
            keepAlive = true
        }
        return .success(
            HTTPRequestHead(
                method: method, target: target, path: path, query: query, version: version, headers: headers,
                framing: framing, keepAlive: keepAlive, expectsContinue: expectsContinue))
    }

    /// Splits origin-form `/p?q`, absolute-form `http://h/p?q` and asterisk-form `*` (OPTIONS only).
    static func splitTarget(_ target: [UInt8], method: String) -> (String, String?)? {
        var pathAndQuery = target[...]
        if target == [0x2A] {
            return method == "OPTIONS" ? ("*", nil) : nil
        } else if target.first == 0x2F {
            // origin-form
        } else {
            let lower = target.map(HTTPHeaders.lowercaseASCII)
            let scheme: Int
            if lower.starts(with: "http://".utf8) {
                scheme = 7
            } else if lower.starts(with: "https://".utf8) {
                scheme = 8
            } else {
                return nil
            }
            let rest = target[scheme...]
            guard let slash = rest.firstIndex(where: { $0 == 0x2F || $0 == 0x3F }) else { return ("/", nil) }
            pathAndQuery = target[slash...]
            if pathAndQuery.first == 0x3F { pathAndQuery = [0x2F] + pathAndQuery }
        }
        if let question = pathAndQuery.firstIndex(of: 0x3F) {
            return (
                String(decoding: pathAndQuery[..<question], as: UTF8.self),
                String(decoding: pathAndQuery[(question + 1)...], as: UTF8.self)
            )
        }
        return (String(decoding: pathAndQuery, as: UTF8.self), nil)
    }

    /// RFC 9112 §6.1 and §6.3: a request has a body only by Content-Length or chunked
    /// Transfer-Encoding, never both; anything ambiguous is refused rather than guessed.
    static func bodyFraming(
        headers: HTTPHeaders, version: HTTPVersion, limits: HTTPParserLimits
    ) -> Result<HTTPRequestHead.BodyFraming, HTTPParserError> {
        let transferEncodings = headers.values(for: "Transfer-Encoding")
        let contentLengths = headers.values(for: "Content-Length")
        if !transferEncodings.isEmpty {
            if !contentLengths.isEmpty { return .failure(HTTPParserError(.contentLengthWithTransferEncoding)) }
            if version == .http1_0 { return .failure(HTTPParserError(.transferEncodingInHTTP10)) }
            var codings: [String] = []
            for value in transferEncodings {
                for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                    let coding = element.trimmingOWS()
                    if !coding.isEmpty { codings.append(coding.lowercasedASCII()) }
                }
            }
            guard let last = codings.last else { return .failure(HTTPParserError(.unsupportedTransferCoding)) }
            let chunkedCount = codings.filter { $0 == "chunked" }.count
            if last != "chunked" || chunkedCount > 1 {
                return .failure(HTTPParserError(chunkedCount > 0 ? .chunkedNotFinal : .unsupportedTransferCoding))
            }
            if codings.count > 1 { return .failure(HTTPParserError(.unsupportedTransferCoding)) }
            return .success(.chunked)
        }
        guard !contentLengths.isEmpty else { return .success(.none) }
        // RFC 9110 §8.6: a list of identical values may be accepted; anything else is an error.
        var length: Int?
        for value in contentLengths {
            for element in value.split(separator: ",", omittingEmptySubsequences: false) {
                let digits = element.trimmingOWS().utf8
                guard !digits.isEmpty, digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else {
                    return .failure(HTTPParserError(.invalidContentLength))
                }
                var parsed = 0
                for digit in digits {
                    let (times10, o1) = parsed.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(Int(digit - 0x30))
                    if o1 || o2 { return .failure(HTTPParserError(.bodyTooLarge)) }
                    parsed = sum
                }
                if let previous = length, previous != parsed {
                    return .failure(HTTPParserError(.conflictingContentLength))
                }
                length = parsed
            }
        }
        let value = length ?? 0
        if value > limits.maxBodySize { return .failure(HTTPParserError(.bodyTooLarge)) }
        return .success(.contentLength(value))
    }
}

extension Substring {
    func trimmingOWS() -> String {
        var view = self.utf8[...]
        while let first = view.first, first == 0x20 || first == 0x09 { view = view.dropFirst() }
        while let last = view.last, last == 0x20 || last == 0x09 { view = view.dropLast() }
        return String(decoding: view, as: UTF8.self)
    }
}

extension String {
    func lowercasedASCII() -> String {
        String(decoding: utf8.map(HTTPHeaders.lowercaseASCII), as: UTF8.self)
    }
}
