import FHIRCore
import FHIRJSON
import FHIRXML
import Testing

/// What the libFuzzer harnesses (`Fuzz/run-fuzz.sh`) found, each kept as a test with the
/// minimised input, so it stays found.
@Suite("Fuzzing findings")
struct FuzzFindingTests {
    /// JSONReaderFuzz, first run: a Patient whose narrative holds a `<script>` is accepted by the
    /// strict JSON reader (which keeps the div as text; the validator refuses it, BaseRuleTests)
    /// and refused by the XML reader, which parses the div. Not a defect of either reader, but
    /// the JSON → XML path must never let the script through: the XML read refuses it, at the div.
    @Test("a narrative with a script: JSON keeps it for the validator to refuse, XML refuses it at the div")
    func scriptInNarrative() {
        let json = #"{"resourceType":"Patient","text":{"status":"generated","div":"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>x</p><script>fetch(\"https://evil.example/x\")</script></div>"}}"#
        let read = FHIRJSONReader().read(Array(json.utf8))
        let resource = try! #require(read.resource)
        #expect(!read.hasErrors)
        let back = FHIRXMLReader().read(FHIRXMLWriter().write(resource))
        #expect(back.hasErrors)
        #expect(back.issues.filter(\.isError).allSatisfy { $0.expression == "Patient.text.div" && $0.code == .security },
                "\(back.issues.map(\.description))")
    }

    /// JSONReaderFuzz, second run: a narrative div with text before its root (`"+<div …>"`) was
    /// read from JSON and written into XML as stray text, which the XML reader then refused. The
    /// JSON reader now requires one well-formed div element (XHTMLOutline), located at the div.
    @Test("a JSON narrative that is not one well-formed div is refused where it is", arguments: [
        #"+<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Harold</p></div>"#,
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Harold</div>"#,
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\">a & b</div>"#,
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\">x</div><div>y</div>"#,
        #"<p xmlns=\"http://www.w3.org/1999/xhtml\">x</p>"#,
        #"<div xmlns=http://www.w3.org/1999/xhtml>x</div>"#,
        // JSONReaderFuzz, third run: a namespace that is not XHTML's (here not even a URI).
        #"<div xmlns=\"http://www.w`3.org/1999/xhtml\"><p>x</p></div>"#,
        #"<div><p>no namespace</p></div>"#,
        // JSONReaderFuzz, long run: white space around the root, which XML cannot keep.
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\">[Put rendering here]</div> "#,
        #" <div xmlns=\"http://www.w3.org/1999/xhtml\">x</div>"#,
    ])
    func malformedDivFromJSON(_ div: String) {
        let json = #"{"resourceType":"Practitioner","text":{"status":"generated","div":"\#(div)"}}"#
        let read = FHIRJSONReader().read(Array(json.utf8))
        #expect(read.hasErrors)
        #expect(read.issues.contains { $0.isError && $0.expression == "Practitioner.text.div" }, "\(read.issues.map(\.description))")
    }

    @Test("well-formed divs from JSON still read, and convert to XML that reads back", arguments: [
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Harold &amp; Maude &#169; &#xA9;</p><br/><!-- c --><![CDATA[<x>]]></div>"#,
        #"<div xmlns='http://www.w3.org/1999/xhtml' class=\"a\"><table><tr><td>1</td></tr></table></div>"#,
        #"<div xmlns=\"http://www.w3.org/1999/xhtml\"/>"#,
    ])
    func wellFormedDivFromJSON(_ div: String) {
        let json = #"{"resourceType":"Practitioner","text":{"status":"generated","div":"\#(div)"}}"#
        let read = FHIRJSONReader().read(Array(json.utf8))
        #expect(!read.hasErrors, "\(read.issues.map(\.description))")
        guard let resource = read.resource else { return }
        let back = FHIRXMLReader().read(FHIRXMLWriter().write(resource))
        #expect(!back.issues.contains { $0.isError && $0.code != .invariant && !$0.message.contains("narrative") },
                "\(back.issues.map(\.description))")
    }

    /// XMLReaderFuzz, long run: `<address><!-- e --></address>` (and `<address/>`) was read as an
    /// Address with nothing in it and written as JSON `{}`, which FHIR JSON forbids (ele-1).
    @Test("an XML element with no value and no children (only a comment, or an id) is refused (ele-1)",
          arguments: ["<address/>", "<address><!-- e  --></address>", #"<address id="a1"/>"#])
    func emptyComplexElementInXML(_ element: String) {
        let read = FHIRXMLReader().read(Array(#"<Patient xmlns="http://hl7.org/fhir">\#(element)</Patient>"#.utf8))
        #expect(read.hasErrors)
        #expect(read.issues.contains { $0.isError && $0.message.contains("ele-1") && $0.expression == "Patient.address[0]" },
                "\(read.issues.map(\.description))")
    }

    /// JSONReaderFuzz, long run: a backspace (`\b`) in `Media.content.url` was read from JSON (the
    /// uri regex, `\S*`, allows it) and then could not be written as XML; U+FFFF in a string the
    /// same. The readers now refuse what XML cannot hold, in either format.
    @Test("a uri with a control character, or a string with U+FFFE/U+FFFF, is refused by the JSON reader",
          arguments: [(#""url":"http://a.example/\bx""#, "Media.content.url"), (#""title":"x\uFFFF""#, "Media.content.title"),
                      (#""title":"\uFFFEx""#, "Media.content.title")])
    func charactersXMLCannotHold(_ member: String, expression: String) {
        let json = #"{"resourceType":"Media","status":"completed","content":{\#(member)}}"#
        let read = FHIRJSONReader().read(Array(json.utf8))
        #expect(read.hasErrors)
        #expect(read.issues.contains { $0.isError && $0.expression == expression }, "\(read.issues.map(\.description))")
    }
}
