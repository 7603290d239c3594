// libFuzzer entry for FHIRPath: the input is an expression, lexed, parsed and (when it parses)
// evaluated over a fixed Patient with contained, extensions, choice types and decimals. Errors
// are answers; crashes, traps and hangs are findings. Built by ../../run-fuzz.sh.
import FHIRCore
import FHIRJSON
import FHIRPath

let patient: FHIRElement = {
    let json = #"""
        {"resourceType":"Patient","id":"p1","meta":{"versionId":"2","lastUpdated":"2024-05-01T10:00:00.123+02:00","tag":[{"system":"urn:t","code":"x"}]},
         "text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Alex</p></div>"},
         "contained":[{"resourceType":"Organization","id":"o1","name":"Cedar"}],
         "extension":[{"url":"http://example.org/e","valueDecimal":1.50},{"url":"http://example.org/q","valueQuantity":{"value":3,"unit":"mg","system":"http://unitsofmeasure.org","code":"mg"}}],
         "identifier":[{"system":"http://clinic.example.org/mrn","value":"T-1"},{"type":{"coding":[{"code":"MR"}]},"value":"2"}],
         "active":true,"name":[{"use":"official","family":"Tester","given":["Alex","B"]},{"given":["Al"],"_given":[{"id":"g1"}]}],
         "telecom":[{"system":"phone","value":"+1-555-0100","rank":1}],"gender":"female","birthDate":"1990-01",
         "deceasedBoolean":false,"multipleBirthInteger":2,"generalPractitioner":[{"reference":"#o1"}],
         "contact":[{"relationship":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/v2-0131","code":"C"}]}],"name":{"family":"Contact"}}]}
        """#
    guard let resource = FHIRJSONReader().read(Array(json.utf8)).resource else { fatalError("the fixed Patient does not read") }
    return resource
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ start: UnsafeRawPointer, _ count: Int) -> CInt {
    guard count <= 512 else { return 0 }
    let text = String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
    guard let expression = try? FHIRPathExpression(text) else { return 0 }
    _ = try? expression.evaluate(on: patient)
    return 0
}
