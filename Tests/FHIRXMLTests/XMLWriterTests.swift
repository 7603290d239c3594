import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// What the XML writer emits is read by other systems: well-formed XML in the FHIR namespace,
/// values escaped so that they survive XML's attribute-value normalisation, `id` and `url` as
/// attributes but `Resource.id` as an element, contained resources nested in their container,
/// compact output without whitespace and pretty output indented, and XML our reader turns back
/// into the same tree. Also the reader's positive cases: XML that must read like its JSON twin.
@Suite("XML writer, and XML read like its JSON twin")
struct XMLWriterTests {
    private typealias T = XMLTest

    private func json(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> FHIRElement {
        try #require(T.expectAccepted(T.readJSON(text), sourceLocation: sourceLocation), sourceLocation: sourceLocation)
    }

    /// Writes compact and pretty XML and reads each back, expecting the same tree.
    private func expectRoundTrip(_ tree: FHIRElement, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for pretty in [false, true] {
            let written = FHIRXMLWriter(pretty: pretty).write(tree)
            let result = FHIRXMLReader().read(written)
            guard let reread = result.resource else {
                Testing.Issue.record("\(pretty ? "pretty" : "compact"): \(result.issues.map(\.description))\n\(written.utf8Text.prefix(2000))",
                                     sourceLocation: sourceLocation)
                continue
            }
            #expect(reread.firstDifference(from: tree) == nil, "\(reread.firstDifference(from: tree) ?? "")",
                    sourceLocation: sourceLocation)
        }
    }

    /// The text without an XML declaration, if the writer put one first.
    private func body(_ written: [UInt8]) -> String {
        var text = written.utf8Text
        if text.hasPrefix("<?xml"), let end = text.range(of: "?>") {
            text = String(text[end.upperBound...].drop { $0 == "\n" || $0 == "\r\n" })
        }
        return text
    }

    // MARK: writer

    @Test("& < > \" and \\n \\r \\t in values are escaped, and re-read as the same value")
    func escapes() throws {
        let value = "say \"hi\" & <b>x</b> 'q'\nline\r\ttab end"
        let tree = try json(#"{"resourceType":"Patient","name":[{"text":"say \"hi\" & <b>x</b> 'q'\nline\r\ttab end"}]}"#)
        #expect(tree.child("name")?.child("text")?.value == value)
        let written = FHIRXMLWriter().write(tree)
        #expect(written.containsBytes(of: #"<text value="say &quot;hi&quot; &amp; &lt;b&gt;x&lt;/b&gt; 'q'&#10;line&#13;&#9;tab end"/>"#),
                "\(written.utf8Text)")
        // Raw line ends or tabs inside an attribute would be normalised to spaces by any reader.
        #expect(!written.contains(0x09) && !written.contains(0x0D) && !written.contains(0x0A))
        expectRoundTrip(tree)
    }

    @Test("the root declares the FHIR namespace; contained resources inherit it")
    func rootNamespace() throws {
        let tree = try json(##"{"resourceType":"Observation","contained":[{"resourceType":"Patient","id":"p"}],"status":"final","code":{"text":"t"},"subject":{"reference":"#p"}}"##)
        for pretty in [false, true] {
            let text = body(FHIRXMLWriter(pretty: pretty).write(tree))
            #expect(text.hasPrefix(#"<Observation xmlns="http://hl7.org/fhir">"#), "\(text)")
            #expect(text.components(separatedBy: "xmlns=").count == 2, "one namespace declaration: \(text)")
        }
    }

    @Test("Resource.id is an element; Element.id and Extension.url are attributes")
    func idAndURL() throws {
        let tree = try json(#"""
            {"resourceType":"Patient","id":"p1","name":[{"id":"n1","family":"F"}],"birthDate":"1970-03-30",
             "_birthDate":{"id":"b1","extension":[{"url":"http://example.org/x","valueString":"y"}]}}
            """#)
        let text = body(FHIRXMLWriter().write(tree))
        #expect(text == #"<Patient xmlns="http://hl7.org/fhir"><id value="p1"/><name id="n1"><family value="F"/></name>"#
                + #"<birthDate id="b1" value="1970-03-30"><extension url="http://example.org/x"><valueString value="y"/></extension></birthDate></Patient>"#,
                "\(text)")
        expectRoundTrip(tree)
    }

    @Test("contained resources are nested as <contained><Patient>…</Patient></contained>")
    func containedNesting() throws {
        let tree = try json(#"""
            {"resourceType":"Observation","contained":[{"resourceType":"Patient","id":"p","active":true},
             {"resourceType":"Practitioner","id":"d"}],"status":"final","code":{"text":"t"},"subject":{"reference":"#p"}}
            """#)
        let text = body(FHIRXMLWriter().write(tree))
        #expect(text.contains(#"<contained><Patient><id value="p"/><active value="true"/></Patient></contained><contained><Practitioner><id value="d"/></Practitioner></contained><status value="final"/>"#),
                "\(text)")
        expectRoundTrip(tree)
    }

    @Test("Bundle.entry.resource nests its resource the same way")
    func bundleResourceNesting() throws {
        let tree = try json(#"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:61ebe359-bfdc-4613-8bf2-c5e300945f0a","resource":{"resourceType":"Patient","active":false}}]}"#)
        let text = body(FHIRXMLWriter().write(tree))
        #expect(text.contains(#"<resource><Patient><active value="false"/></Patient></resource>"#), "\(text)")
        expectRoundTrip(tree)
    }

    @Test("compact output has no whitespace between tags")
    func compactHasNoWhitespace() throws {
        var tree = try #require(FHIRJSONReader().read(try T.fixture("examples/patient-example.json")).resource)
        // The narrative is written as it was read, its own whitespace included: leave it out.
        tree.children.removeAll { $0.name == "text" }
        let written = FHIRXMLWriter().write(tree)
        #expect(!written.contains(0x0A) && !written.contains(0x0D) && !written.contains(0x09), "\(written.utf8Text)")
        #expect(!written.utf8Text.contains("> "))
        #expect(!written.utf8Text.contains(" <"))
        expectRoundTrip(tree)
    }

    @Test("pretty output puts one element per line, indented by two spaces per level")
    func prettyLayout() throws {
        let tree = try json(##"{"resourceType":"Observation","contained":[{"resourceType":"Patient","id":"p"}],"status":"final","code":{"coding":[{"system":"http://loinc.org","code":"1-8"}]},"subject":{"reference":"#p"}}"##)
        let expected = """
            <Observation xmlns="http://hl7.org/fhir">
              <contained>
                <Patient>
                  <id value="p"/>
                </Patient>
              </contained>
              <status value="final"/>
              <code>
                <coding>
                  <system value="http://loinc.org"/>
                  <code value="1-8"/>
                </coding>
              </code>
              <subject>
                <reference value="#p"/>
              </subject>
            </Observation>
            """
        let text = body(FHIRXMLWriter(pretty: true).write(tree))
        #expect(text.trimmingCharacters(in: .newlines) == expected, "\(text)")
        expectRoundTrip(tree)
    }

    @Test("read(write(x)) == x for trees read from JSON",
          arguments: ["patient-example", "bundle-example", "observation-example-f003-co2", "consent-example",
                      "medicationrequest0301", "operationoutcome-example"])
    func roundTripExamples(_ name: String) throws {
        let tree = try #require(FHIRJSONReader().read(try T.fixture("examples/\(name).json")).resource)
        expectRoundTrip(tree)
    }

    @Test("primitive lists with ids and extensions on some items, and non-ASCII text, round-trip")
    func listsAndUnicode() throws {
        let ext = #"{"extension":[{"url":"http://example.org/x","valueString":"v"}]}"#
        let tree = try json(
            #"{"resourceType":"Patient","name":[{"family":"Müller 😀","_given":[null,\#(ext),{"id":"c"}],"given":["A",null,"C"]}]}"#)
        let text = body(FHIRXMLWriter().write(tree))
        #expect(text.contains(#"<family value="Müller 😀"/><given value="A"/><given><extension url="http://example.org/x"><valueString value="v"/></extension></given><given id="c" value="C"/>"#),
                "\(text)")
        expectRoundTrip(tree)
    }

    /// JSON → XML must not produce XML that is not well-formed or that the XML reader refuses:
    /// either the JSON reader refuses the input (as the reference validator refuses `&reg;` in
    /// a JSON narrative, case xml-bad-entities-json) or the written XML reads back.
    @Test("whatever the JSON reader accepts, the writer writes as XML the XML reader reads back",
          arguments: [
              #"<div xmlns=\"http://www.w3.org/1999/xhtml\">a&nbsp;b &reg;</div>"#,
              #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><p>a<br></p></div>"#,
              #"<div>no namespace</div>"#,
              #"<div xmlns=\"http://www.w3.org/1999/xhtml\"><script>alert(1)</script></div>"#,
          ])
    func jsonNarrativeConverts(_ div: String) throws {
        let result = T.readJSON(#"{"resourceType":"Patient","text":{"status":"generated","div":""# + div + #""}}"#)
        guard let tree = result.resource else { return }  // refused by the JSON reader: nothing to write
        let written = FHIRXMLWriter().write(tree)
        let reread = FHIRXMLReader().read(written)
        guard div.contains("xmlns") else {
            #expect(reread.resource != nil, "\(reread.issues.map(\.description))\n\(written.utf8Text)")
            return
        }
        // The JSON reader does not yet parse the narrative as XHTML (the validation issue will,
        // through FHIRXML): until then these are accepted from JSON and refused as XML.
        withKnownIssue("JSON narratives are not yet checked as XHTML") {
            #expect(reread.resource != nil, "\(reread.issues.map(\.description))\n\(written.utf8Text)")
        }
    }

    @Test("a string holding U+FFFE, which XML cannot carry, is not written as ill-formed XML")
    func nonCharacterInString() throws {
        let result = T.readJSON(#"{"resourceType":"Patient","name":[{"text":"a\uFFFEb"}]}"#)
        guard let tree = result.resource else { return }  // refused by the JSON reader: fine
        let reread = FHIRXMLReader().read(FHIRXMLWriter().write(tree))
        #expect(reread.resource != nil, "\(reread.issues.map(\.description))")
    }

    // MARK: XML read like its JSON twin

    @Test("a Patient with id and extension on birthDate reads into the JSON reader's tree")
    func primitiveExtensionEqualsJSON() throws {
        let xml = #"""
            <Patient xmlns="http://hl7.org/fhir">
              <id value="p1"/>
              <birthDate id="b1" value="1970-03-30"><extension url="http://example.org/x"><valueString value="y"/></extension></birthDate>
            </Patient>
            """#
        let fromJSON = try json(#"{"resourceType":"Patient","id":"p1","birthDate":"1970-03-30","_birthDate":{"id":"b1","extension":[{"url":"http://example.org/x","valueString":"y"}]}}"#)
        let fromXML = try #require(T.expectAccepted(T.read(xml)))
        #expect(fromXML == fromJSON, "\(fromXML.firstDifference(from: fromJSON) ?? "")")
        #expect(fromXML.child("birthDate")?.child("id")?.form.contains(.xmlAttribute) == true)
    }

    @Test("a decimal keeps its lexeme: 1.50 stays 1.50")
    func decimalKept() throws {
        let xml = #"<Observation xmlns="http://hl7.org/fhir"><status value="final"/><code><text value="t"/></code><valueQuantity><value value="1.50"/></valueQuantity></Observation>"#
        let fromXML = try #require(T.expectAccepted(T.read(xml)))
        #expect(fromXML.child("valueQuantity")?.child("value")?.value == "1.50")
        let fromJSON = try json(#"{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":1.50}}"#)
        #expect(fromXML == fromJSON, "\(fromXML.firstDifference(from: fromJSON) ?? "")")
        #expect(FHIRXMLWriter().write(fromXML).containsBytes(of: #"<value value="1.50"/>"#))
    }

    @Test("the narrative div is kept as XHTML, and equals the JSON twin's div")
    func narrativeKept() throws {
        let div = #"<div xmlns="http://www.w3.org/1999/xhtml"><p>Hello <b>there</b> &amp; &lt;you&gt;</p><br/></div>"#
        let xml = #"<Patient xmlns="http://hl7.org/fhir"><text><status value="generated"/>"# + div + "</text></Patient>"
        let fromXML = try #require(T.expectAccepted(T.read(xml)))
        let node = try #require(fromXML.child("text")?.child("div"))
        #expect(node.form.contains(.xhtml))
        #expect(node.value == div)
        let escaped = div.replacingOccurrences(of: "\"", with: "\\\"")
        let fromJSON = try json(#"{"resourceType":"Patient","text":{"status":"generated","div":""# + escaped + #""}}"#)
        #expect(fromXML == fromJSON, "\(fromXML.firstDifference(from: fromJSON) ?? "")")
        #expect(FHIRXMLWriter().write(fromXML).containsBytes(of: div))
        expectRoundTrip(fromXML)
    }
}
