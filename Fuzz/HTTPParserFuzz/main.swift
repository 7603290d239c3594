// libFuzzer entry for the HTTP request parser. Built by ../run-http-parser-fuzz.sh together with
// Sources/HTTPServer/Parsing/*.swift; not part of `swift build`.
//
// Each input is parsed twice: whole, and cut at a position derived from the input. Besides
// crashes (ASan, traps on overflow or bad indexing) the harness checks the parser's contract:
// both ways give the same events, a step never consumes more than it was given, and the parser
// always makes progress.

func runParser(_ data: [UInt8], cuts: [Int]) -> [HTTPParserEvent] {
    var parser = HTTPRequestParser(
        limits: HTTPParserLimits(
            maxRequestLineLength: 256, maxHeaderSectionSize: 1024, maxHeaderCount: 16, maxBodySize: 4096,
            maxChunkExtensionSize: 64, maxTrailerSectionSize: 256))
    var events: [HTTPParserEvent] = []
    var pending: [UInt8] = []
    var start = 0
    for cut in cuts + [data.count] {
        pending += data[start..<cut]
        start = cut
        var guardSteps = 0
        while true {
            let step = pending.withUnsafeBytes { parser.parse($0) }
            precondition(step.consumed >= 0 && step.consumed <= pending.count, "consumed out of range")
            pending.removeFirst(step.consumed)
            guard let event = step.event else { break }
            guardSteps += 1
            precondition(guardSteps < 1_000_000, "no progress")
            if case .body(let more) = event, case .body(let earlier)? = events.last {
                events[events.count - 1] = .body(earlier + more)
            } else {
                events.append(event)
            }
            if case .error = event { return events }
        }
    }
    return events
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let data = Array(UnsafeRawBufferPointer(start: start, count: count))
    let whole = runParser(data, cuts: [])
    if count > 1 {
        let cut = Int(data[0]) % count
        let second = Int(data[count - 1]) % count
        let split = runParser(data, cuts: [min(cut, second), max(cut, second)])
        precondition(split == whole, "split input gave different events")
    }
    return 0
}
