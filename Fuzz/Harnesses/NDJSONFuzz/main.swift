// libFuzzer entry for the NDJSON line splitter (GatewayImport.NDJSONLines) as `import` uses it:
// the input is handed to the splitter in chunks of a size taken from its first byte (so every
// buffer edge is reached), and the lines must be exactly those of a plain split on "\n" (blank
// lines skipped, a trailing "\r" removed), with offsets that add up; each line then goes through
// the lenient JSON reader, as an imported record does. Built by ../../run-fuzz.sh.
import FHIRCore
import FHIRJSON
import GatewayImport

let reader = FHIRJSONReader(mode: .lenient, limits: ReadLimits())

func expectedLines(_ bytes: ArraySlice<UInt8>) -> [[UInt8]] {
    bytes.split(separator: 0x0A, omittingEmptySubsequences: false).compactMap { line -> [UInt8]? in
        if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        return line.last == 0x0D ? Array(line.dropLast()) : Array(line)
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0 else { return 0 }
    let all = Array(UnsafeRawBufferPointer(start: start, count: count))
    let chunk = Int(all[0] % 64) + 1
    let body = Array(all.dropFirst())
    var lines = NDJSONLines(bytes: body, chunk: chunk, maxLineBytes: 1 << 20)
    var found: [[UInt8]] = []
    while let line = try? lines.next() {
        found.append(line)
        _ = reader.read(line)
        precondition(found.count <= body.count + 1, "more lines than bytes")
    }
    precondition(found == expectedLines(body[...]), "the splitter's lines differ from a plain split")
    precondition(lines.offset == UInt64(body.count), "the offset does not reach the end")
    return 0
}
