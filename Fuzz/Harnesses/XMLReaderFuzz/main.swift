// libFuzzer entry for the XML reader (FHIRXML over libxml2 with the production parser options:
// no network, no entity expansion, no DTD loading), strict and lenient, with the differential
// property the other way round: a resource the strict reader accepts survives
// XML → tree → JSON → tree → XML unchanged. Built by ../../run-fuzz.sh.
import FHIRCore
import FHIRJSON
import FHIRXML

let limits = ReadLimits()
let strict = FHIRXMLReader(mode: .strict, limits: limits)
let lenient = FHIRXMLReader(mode: .lenient, limits: limits)
let jsonReader = FHIRJSONReader(mode: .strict, limits: limits)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    _ = lenient.read(bytes)
    let read = strict.read(bytes)
    guard let resource = read.resource, !read.hasErrors else { return 0 }
    let xml = FHIRXMLWriter().write(resource)
    let json = FHIRJSONWriter().write(resource)
    let back = jsonReader.read(json)
    guard let again = back.resource, !back.hasErrors else {
        fatalError("strict-valid XML written as JSON does not read back: \(back.issues.map(\.description).prefix(3))")
    }
    precondition(FHIRXMLWriter().write(again) == xml, "XML → JSON → XML changed the resource")
    return 0
}
