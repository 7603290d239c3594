/// What one call to ``HTTPRequestParser/parse(_:)`` found.
public enum HTTPParserEvent: Sendable, Hashable {
    /// The request line and header section are complete and valid.
    case head(HTTPRequestHead)
    /// Some body bytes, after chunked decoding.
    case body([UInt8])
    /// The request is complete; the next bytes belong to the next request.
    case end
    /// The request is malformed; the parser accepts nothing more.
    case error(HTTPParserError)
}

/// The result of one parse step: how many input bytes were consumed and the event, if any.
public struct HTTPParserStep: Sendable, Hashable {
    public var consumed: Int
    public var event: HTTPParserEvent?
}

/// An incremental HTTP/1.x request parser: a pure state machine over bytes, with no I/O, no
/// clock and no allocation beyond the line it is reading, so it can be fed any split of the
/// input (byte by byte included) and gives the same events, and can be fuzzed on its own.
///
/// Framing is strict RFC 9112: CRLF only (a bare CR or LF is an error, §2.2), no obs-fold
/// (§5.2), no whitespace between a field name and its colon (§5.1), Content-Length and
/// Transfer-Encoding checked together (§6.1, §6.3), chunk sizes checked for overflow (§7.1).
///
/// Each step yields at most one event, so the caller can stop between requests (pipelining
/// with back-pressure) and resume later with the bytes it kept.
public struct HTTPRequestParser: Sendable {
    enum State: Sendable, Hashable {
        case requestLineStart
        case leadingLF
        case requestLine
        case requestLineLF
        case fieldLineStart
        case fieldLine
        case fieldLineLF
        case headerEndLF
        case endPending
        case contentBody(remaining: Int)
        case chunkSize
        case chunkExtension
        case chunkSizeLF
        case chunkData(remaining: Int)
        case chunkDataCR
        case chunkDataLF
        case trailerLineStart
        case trailerLine
        case trailerLineLF
        case trailerEndLF
        case failed
    }

    public let limits: HTTPParserLimits
    var state: State = .requestLineStart
    /// The line being read (request line, field line or trailer line), CRLF excluded.
    var line: [UInt8] = []
    var emptyLines = 0
    var headerBytes = 0
    var trailerBytes = 0
    var trailerCount = 0
    var requestLine: [UInt8] = []
    var fields: [HTTPField] = []
    var bodyReceived = 0
    var chunkSizeValue = 0
    var chunkSizeDigits = 0
    var chunkExtensionBytes = 0

    public init(limits: HTTPParserLimits = HTTPParserLimits()) {
        self.limits = limits
    }

    /// True between requests, before any byte of the next one: the moment a keep-alive
    /// connection is idle.
    public var isAtMessageStart: Bool {
        state == .requestLineStart && line.isEmpty && emptyLines == 0
    }

    /// True once an error was reported; the parser then consumes and ignores everything.
    public var hasFailed: Bool { state == .failed }

    /// Consumes bytes from the start of `input` until one event is complete or the input runs out.
    public mutating func parse(_ input: UnsafeRawBufferPointer) -> HTTPParserStep {
        if state == .endPending {
            state = .requestLineStart
            return HTTPParserStep(consumed: 0, event: .end)
        }
        if state == .failed { return HTTPParserStep(consumed: input.count, event: nil) }
        var index = 0
        let count = input.count
        while index < count {
            switch state {
            case .contentBody(let remaining):
                let take = min(remaining, count - index)
                let bytes = Array(input[index..<(index + take)])
                index += take
                state = remaining == take ? .endPending : .contentBody(remaining: remaining - take)
                return HTTPParserStep(consumed: index, event: .body(bytes))
            case .chunkData(let remaining):
                let take = min(remaining, count - index)
                let bytes = Array(input[index..<(index + take)])
                index += take
                state = remaining == take ? .chunkDataCR : .chunkData(remaining: remaining - take)
                return HTTPParserStep(consumed: index, event: .body(bytes))
            case .requestLine, .fieldLine, .trailerLine:
                // Fast path: copy the run of ordinary bytes up to the next CR or LF in one go.
                var end = index
                while end < count, input[end] != 0x0D, input[end] != 0x0A { end += 1 }
                if end > index {
                    if let error = appendToLine(input, index..<end) {
                        return fail(error, consumed: end)
                    }
                    index = end
                    continue
                }
                let byte = input[index]
                index += 1
                if let event = consume(byte) { return HTTPParserStep(consumed: index, event: event) }
            default:
                let byte = input[index]
                index += 1
                if let event = consume(byte) { return HTTPParserStep(consumed: index, event: event) }
            }
        }
        return HTTPParserStep(consumed: index, event: nil)
    }

    /// Feeds all of `bytes` and returns every event, in order. Convenient for tests and the fuzzer.
    public mutating func parseAll(_ bytes: [UInt8]) -> [HTTPParserEvent] {
        var events: [HTTPParserEvent] = []
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while true {
                let step = parse(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
                offset += step.consumed
                guard let event = step.event else { break }
                events.append(event)
                if case .error = event { break }
            }
        }
        return events
    }

    private mutating func fail(_ kind: HTTPParserError.Kind, consumed: Int) -> HTTPParserStep {
        state = .failed
        line = []
        return HTTPParserStep(consumed: consumed, event: .error(HTTPParserError(kind)))
    }

    /// Appends a run with no CR or LF to the current line, enforcing the limit of its section.
    private mutating func appendToLine(_ input: UnsafeRawBufferPointer, _ range: Range<Int>) -> HTTPParserError.Kind? {
        switch state {
        case .requestLine:
            if line.count + range.count > limits.maxRequestLineLength { return .requestLineTooLong }
        case .fieldLine:
            headerBytes += range.count
            if headerBytes > limits.maxHeaderSectionSize { return .headerSectionTooLarge }
        default:
            trailerBytes += range.count
            if trailerBytes > limits.maxTrailerSectionSize { return .trailerSectionTooLarge }
        }
        line.append(contentsOf: input[range])
        return nil
    }

    /// Advances the machine by one byte; returns an event when one completes.
    private mutating func consume(_ byte: UInt8) -> HTTPParserEvent? {
        switch state {
        case .requestLineStart:
            switch byte {
            case 0x0D: state = .leadingLF
            case 0x0A: return failEvent(.bareLF)
            default:
                line.removeAll(keepingCapacity: true)
                line.append(byte)
                state = .requestLine
            }
        case .leadingLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            emptyLines += 1
            if emptyLines > limits.maxLeadingEmptyLines { return failEvent(.tooManyEmptyLines) }
            state = .requestLineStart
        case .requestLine:
            switch byte {
            case 0x0D: state = .requestLineLF
            case 0x0A: return failEvent(.bareLF)
            default:
                if line.count >= limits.maxRequestLineLength { return failEvent(.requestLineTooLong) }
                line.append(byte)
            }
        case .requestLineLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            requestLine = line
            line.removeAll(keepingCapacity: true)
            state = .fieldLineStart
        case .fieldLineStart:
            headerBytes += 1
            if headerBytes > limits.maxHeaderSectionSize { return failEvent(.headerSectionTooLarge) }
            switch byte {
            case 0x0D: state = .headerEndLF
            case 0x0A: return failEvent(.bareLF)
            case 0x20, 0x09: return failEvent(.obsFold)
            default:
                line.append(byte)
                state = .fieldLine
            }
        case .fieldLine:
            headerBytes += 1
            if headerBytes > limits.maxHeaderSectionSize { return failEvent(.headerSectionTooLarge) }
            switch byte {
            case 0x0D: state = .fieldLineLF
            case 0x0A: return failEvent(.bareLF)
            default: line.append(byte)
            }
        case .fieldLineLF:
            headerBytes += 1
            if headerBytes > limits.maxHeaderSectionSize { return failEvent(.headerSectionTooLarge) }
            guard byte == 0x0A else { return failEvent(.bareCR) }
            switch Self.parseFieldLine(line) {
            case .success(let field):
                fields.append(field)
                if fields.count > limits.maxHeaderCount { return failEvent(.tooManyHeaders) }
            case .failure(let error): return failEvent(error.kind)
            }
            line.removeAll(keepingCapacity: true)
            state = .fieldLineStart
        case .headerEndLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            return finishHead()
        case .chunkSize:
            if let digit = Self.hexValue(byte) {
                chunkSizeDigits += 1
                let (times16, o1) = chunkSizeValue.multipliedReportingOverflow(by: 16)
                let (sum, o2) = times16.addingReportingOverflow(digit)
                if o1 || o2 || chunkSizeDigits > 32 { return failEvent(.chunkSizeOverflow) }
                chunkSizeValue = sum
                return nil
            }
            guard chunkSizeDigits > 0 else { return failEvent(.invalidChunkSize) }
            switch byte {
            case 0x0D: state = .chunkSizeLF
            case 0x3B, 0x20, 0x09:  // ";" or BWS before it (RFC 9112 §7.1.1)
                state = .chunkExtension
                return countChunkExtension(byte)
            default: return failEvent(.invalidChunkSize)
            }
        case .chunkExtension:
            switch byte {
            case 0x0D: state = .chunkSizeLF
            case 0x0A: return failEvent(.bareLF)
            default: return countChunkExtension(byte)
            }
        case .chunkSizeLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            if chunkSizeValue == 0 {
                state = .trailerLineStart
            } else {
                if chunkSizeValue > limits.maxBodySize - bodyReceived { return failEvent(.bodyTooLarge) }
                bodyReceived += chunkSizeValue
                state = .chunkData(remaining: chunkSizeValue)
            }
        case .chunkDataCR:
            guard byte == 0x0D else { return failEvent(.invalidChunkTerminator) }
            state = .chunkDataLF
        case .chunkDataLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            chunkSizeValue = 0
            chunkSizeDigits = 0
            state = .chunkSize
        case .trailerLineStart:
            trailerBytes += 1
            if trailerBytes > limits.maxTrailerSectionSize { return failEvent(.trailerSectionTooLarge) }
            switch byte {
            case 0x0D: state = .trailerEndLF
            case 0x0A: return failEvent(.bareLF)
            case 0x20, 0x09: return failEvent(.obsFold)
            default:
                line.removeAll(keepingCapacity: true)
                line.append(byte)
                state = .trailerLine
            }
        case .trailerLine:
            trailerBytes += 1
            if trailerBytes > limits.maxTrailerSectionSize { return failEvent(.trailerSectionTooLarge) }
            switch byte {
            case 0x0D: state = .trailerLineLF
            case 0x0A: return failEvent(.bareLF)
            default: line.append(byte)
            }
        case .trailerLineLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            // Trailer fields are checked like header fields, then dropped (RFC 9110 §6.5.1).
            if case .failure(let error) = Self.parseFieldLine(line) { return failEvent(error.kind) }
            trailerCount += 1
            if trailerCount > limits.maxHeaderCount { return failEvent(.tooManyHeaders) }
            line.removeAll(keepingCapacity: true)
            state = .trailerLineStart
        case .trailerEndLF:
            guard byte == 0x0A else { return failEvent(.bareCR) }
            resetForNextMessage()
            return .end
        case .endPending, .contentBody, .chunkData, .failed:
            preconditionFailure("handled in parse(_:)")
        }
        return nil
    }

    private mutating func countChunkExtension(_ byte: UInt8) -> HTTPParserEvent? {
        // chunk-ext is tokens, "=", quoted strings and whitespace: visible ASCII, SP, HTAB.
        guard byte == 0x09 || (byte >= 0x20 && byte < 0x7F) else { return failEvent(.invalidChunkExtension) }
        chunkExtensionBytes += 1
        if chunkExtensionBytes > limits.maxChunkExtensionSize { return failEvent(.chunkExtensionTooLong) }
        return nil
    }

    private mutating func failEvent(_ kind: HTTPParserError.Kind) -> HTTPParserEvent {
        state = .failed
        line = []
        fields = []
        return .error(HTTPParserError(kind))
    }

    private mutating func resetForNextMessage() {
        state = .requestLineStart
        line.removeAll(keepingCapacity: true)
        requestLine = []
        fields = []
        emptyLines = 0
        headerBytes = 0
        trailerBytes = 0
        trailerCount = 0
        bodyReceived = 0
        chunkSizeValue = 0
        chunkSizeDigits = 0
        chunkExtensionBytes = 0
    }

    private mutating func finishHead() -> HTTPParserEvent {
        let head: HTTPRequestHead
        switch Self.makeHead(requestLine: requestLine, fields: fields, limits: limits) {
        case .success(let value): head = value
        case .failure(let error): return failEvent(error.kind)
        }
        let framing = head.framing
        resetForNextMessage()
        switch framing {
        case .none, .contentLength(0): state = .endPending
        case .contentLength(let length): state = .contentBody(remaining: length)
        case .chunked: state = .chunkSize
        }
        return .head(head)
    }

    static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 0x30...0x39: Int(byte - 0x30)
        case 0x41...0x46: Int(byte - 0x41 + 10)
        case 0x61...0x66: Int(byte - 0x61 + 10)
        default: nil
        }
    }
}
