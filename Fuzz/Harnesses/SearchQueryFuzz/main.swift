// libFuzzer entry for the search query parser (FHIRSearch.SearchQueryParser): the first byte picks
// the resource type, the rest is a query string, split and percent-decoded as the API does.
// A refusal is an answer; a crash, trap or hang is a finding, and so is a query the parser
// accepts with a count outside its limits. Built by ../../run-fuzz.sh.
import FHIRCore
import FHIRSearch
import Foundation
import GatewayStore

let types = ["Patient", "Observation", "Encounter", "Condition", "MedicationRequest", "DocumentReference", "Appointment", "Bundle"]
let parser = SearchQueryParser(baseURL: "http://fuzz.example/fhir", lenient: false, defaultCount: 20, maxCount: 100)
let lenientParser = SearchQueryParser(baseURL: "http://fuzz.example/fhir", lenient: true, defaultCount: 20, maxCount: 100)

func items(_ query: String) -> [(name: String, value: String)] {
    query.split(separator: "&").map { part in
        let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
        func decode(_ text: Substring) -> String {
            let spaced = text.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        return (decode(pair[0]), pair.count > 1 ? decode(pair[1]) : "")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count > 0, count <= 1024 else { return 0 }
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let type = types[Int(bytes[0]) % types.count]
    let query = String(decoding: bytes.dropFirst(), as: UTF8.self)
    for candidate in [parser, lenientParser] {
        guard let parsed = try? candidate.parse(type: type, items(query)) else { continue }
        precondition(parsed.query.count >= 0 && parsed.query.count <= 100, "a page size outside the limits")
        precondition(parsed.query.type == type, "the query's type changed")
    }
    return 0
}
