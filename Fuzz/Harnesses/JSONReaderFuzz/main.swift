// libFuzzer entry for the JSON reader (FHIRJSON), strict and lenient, with a differential
// property: a resource the strict reader accepts without an error survives
// JSON → tree → XML → tree → JSON unchanged (the emitted JSON of both trees is byte-equal).
//
// One difference is by design: the JSON reader keeps a narrative `div` as text and leaves its
// XHTML rules (no scripts, only the allowed elements) to the validator (FHIRValidation's
// NarrativeCheck: BaseRuleTests, "a narrative from JSON with a script is refused as XHTML"),
// while the XML reader, which parses the div, applies them as it reads. An XML read-back refused
// only for its narratives is therefore not a finding (the first one this harness found).
// Built by ../../run-fuzz.sh; not part of `swift build`.
import FHIRCore
import FHIRJSON
import FHIRXML

let limits = ReadLimits()
let strict = FHIRJSONReader(mode: .strict, limits: limits)
let lenient = FHIRJSONReader(mode: .lenient, limits: limits)
let xmlReader = FHIRXMLReader(mode: .strict, limits: limits)

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    _ = lenient.read(bytes)
    let read = strict.read(bytes)
    guard let resource = read.resource, !read.hasErrors else { return 0 }
    let json = FHIRJSONWriter().write(resource)
    let xml = FHIRXMLWriter().write(resource)
    let back = xmlReader.read(xml)
    let errors = back.issues.filter(\.isError)
    if !errors.isEmpty, errors.allSatisfy({ $0.expression?.hasSuffix(".div") == true }) { return 0 }
    guard let again = back.resource, errors.isEmpty else {
        fatalError("strict-valid JSON written as XML does not read back: \(back.issues.map(\.description).prefix(3))")
    }
    precondition(FHIRJSONWriter().write(again) == json, "JSON → XML → JSON changed the resource")
    return 0
}
