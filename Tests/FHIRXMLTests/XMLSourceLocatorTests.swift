import FHIRCore
import FHIRXML
import Foundation
import GatewayTestSupport
import Testing

/// `XMLSourceLocator`: FHIRPath expressions as issues write them, mapped to the line and column
/// of the element's start tag in the original bytes.
@Suite("XML source locator")
struct XMLSourceLocatorTests {
    static let patient = """
        <?xml version="1.0" encoding="UTF-8"?>
        <Patient xmlns="http://hl7.org/fhir">
          <id value="p1"/>
          <contained>
            <Organization>
              <id value="o1"/>
              <name value="Acme"/>
            </Organization>
          </contained>
          <name>
            <family value="Chalmers"/>
            <given value="Peter"/>
            <given value="James">
              <extension url="http://x">
                <valueString value="é"/>
              </extension>
            </given>
          </name>
          <name>
            <text value="second"/>
          </name>
          <birthDate id="b1" value="1974-12-25">
            <extension url="http://example.org/birthTime">
              <valueDateTime value="1974-12-25T14:35:45-05:00"/>
            </extension>
          </birthDate>
          <contact>
            <relationship>
              <text value="friend"/>
            </relationship>
          </contact>
        </Patient>
        """

    static let observation = """
        <Observation xmlns="http://hl7.org/fhir">
          <status value="final"/>
          <code><text value="weight"/></code>
          <component><code><text value="a"/></code><valueString value="x"/></component>
          <component><code><text value="b"/></code><valueQuantity><value value="1"/><unit value="g"/></valueQuantity></component>
          <valueQuantity><value value="70"/><unit value="kg"/></valueQuantity>
        </Observation>
        """

    static let bundle = """
        <Bundle xmlns="http://hl7.org/fhir">
          <type value="collection"/>
          <entry><fullUrl value="urn:uuid:1"/><resource><Patient><active value="true"/></Patient></resource></entry>
          <entry><fullUrl value="urn:uuid:2"/><resource><Patient><name><family value="Doe"/></name></Patient></resource></entry>
        </Bundle>
        """

    static func locate(_ expressions: Set<String>, in text: String) -> [String: FHIRCore.SourceLocation] {
        XMLSourceLocator.locations(of: expressions, in: Array(text.utf8))
    }

    static func check(_ cases: [(String, FHIRCore.SourceLocation)], in text: String,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let found = locate(Set(cases.map { $0.0 }), in: text)
        for (expression, expected) in cases {
            #expect(found[expression] == expected, "\(expression)", sourceLocation: sourceLocation)
        }
    }

    @Test("root, repeating elements counted among same-named siblings, non-repeating ones, contained resources")
    func mappingRules() {
        let text = Self.patient
        Self.check([
            ("Patient", LocatorText.location(of: "<Patient", in: text)),
            ("Patient.id", LocatorText.location(of: "<id value=\"p1\"", in: text)),
            ("Patient.name", LocatorText.location(of: "<name>", in: text)),
            ("Patient.name[0]", LocatorText.location(of: "<name>", in: text)),
            ("Patient.name[1]", LocatorText.location(of: "<name>", in: text, occurrence: 2)),
            ("Patient.name[1].text", LocatorText.location(of: "<text value=\"second\"", in: text)),
            ("Patient.name[0].family", LocatorText.location(of: "<family", in: text)),
            ("Patient.name[0].given[0]", LocatorText.location(of: "<given value=\"Peter\"", in: text)),
            ("Patient.name[0].given[1]", LocatorText.location(of: "<given value=\"James\"", in: text)),
            ("Patient.contained[0]", LocatorText.location(of: "<contained>", in: text)),
            ("Patient.contained[0].name", LocatorText.location(of: "<name value=\"Acme\"", in: text)),
            ("Patient.contained[0].id", LocatorText.location(of: "<id value=\"o1\"", in: text)),
        ], in: text)
    }

    @Test("a primitive's id is its attribute, located at the element; its extension is a child element")
    func primitiveIdAndExtension() {
        let text = Self.patient
        Self.check([
            ("Patient.birthDate", LocatorText.location(of: "<birthDate", in: text)),
            ("Patient.birthDate.id", LocatorText.location(of: "<birthDate", in: text)),
            ("Patient.birthDate.extension[0]", LocatorText.location(of: "<extension url=\"http://example.org", in: text)),
            ("Patient.birthDate.extension[0].url", LocatorText.location(of: "<extension url=\"http://example.org", in: text)),
            ("Patient.birthDate.extension[0].value.ofType(dateTime)", LocatorText.location(of: "<valueDateTime", in: text)),
            ("Patient.name[0].given[1].extension[0]", LocatorText.location(of: "<extension url=\"http://x\"", in: text)),
            ("Patient.name[0].given[1].extension[0].value.ofType(string)", LocatorText.location(of: "<valueString", in: text)),
        ], in: text)
    }

    @Test("a choice is the name plus the type with its first letter upper-cased")
    func choices() {
        let text = Self.observation
        Self.check([
            ("Observation.value.ofType(Quantity)", LocatorText.location(of: "<valueQuantity>", in: text, occurrence: 2)),
            ("Observation.value.ofType(Quantity).unit", LocatorText.location(of: "<unit value=\"kg\"", in: text)),
            ("Observation.valueQuantity", LocatorText.location(of: "<valueQuantity>", in: text, occurrence: 2)),
            ("Observation.component[0].value.ofType(string)", LocatorText.location(of: "<valueString", in: text)),
            ("Observation.component[1].value.ofType(Quantity).value", LocatorText.location(of: "<value value=\"1\"", in: text)),
            ("Observation.component[1].code.text", LocatorText.location(of: "<text value=\"b\"", in: text)),
        ], in: text)
    }

    @Test("a Bundle entry's resource element holds the resource, which FHIRPath steps through")
    func bundleEntries() {
        let text = Self.bundle
        Self.check([
            ("Bundle.entry[1].resource.name[0]", LocatorText.location(of: "<name>", in: text)),
            ("Bundle.entry[1].resource.name[0].family", LocatorText.location(of: "<family", in: text)),
            ("Bundle.entry[0].resource.active", LocatorText.location(of: "<active", in: text)),
            ("Bundle.entry[1].resource", LocatorText.location(of: "<resource>", in: text, occurrence: 2)),
            ("Bundle.entry[1]", LocatorText.location(of: "<entry>", in: text, occurrence: 2)),
        ], in: text)
    }

    @Test("an absent last element is located at its deepest existing ancestor")
    func absentChild() {
        let text = Self.patient
        let found = Self.locate(
            ["Patient.contact[0].name", "Patient.gender", "Patient.name[0].given[2]", "Patient.name[0].period.start"],
            in: text)
        #expect(found["Patient.contact[0].name"] == LocatorText.location(of: "<contact>", in: text))
        #expect(found["Patient.gender"] == LocatorText.location(of: "<Patient", in: text))
        #expect(found["Patient.name[0].given[2]"] == LocatorText.location(of: "<given", in: text))
        #expect(found["Patient.name[0].period.start"] == nil)
    }

    @Test("expressions that do not describe the document, or are not paths, are absent")
    func unmappable() {
        let expressions: Set<String> = [
            "Observation.status", "Patient.name[2].given[0]", "Patient..name", "Patient.name[", "Patient.name[x]",
            "(a name that is not an element name)", "", "Patient.name.where(use = 'official')", "Organization.name",
        ]
        let found = Self.locate(expressions, in: Self.patient)
        #expect(found.isEmpty, "\(found)")
        #expect(Self.locate([], in: Self.patient).isEmpty)
    }

    @Test("columns count Unicode scalars, as the reader's do")
    func scalarColumns() {
        let text = "<Patient xmlns=\"http://hl7.org/fhir\"><id value=\"é漢😀\"/><active value=\"true\"/></Patient>"
        let found = Self.locate(["Patient.active"], in: text)
        #expect(found["Patient.active"] == LocatorText.location(of: "<active", in: text))
        #expect(found["Patient.active"]?.column == 55)  // 61 if it counted bytes
    }

    @Test("malformed input, a DOCTYPE or another encoding gives an empty result", arguments: [
        "", "<", "<Patient xmlns=\"http://hl7.org/fhir\">", "<Patient xmlns=\"http://hl7.org/fhir\"><name></Patient>",
        "\u{0}\u{1}garbage", "{\"resourceType\": \"Patient\"}", "<Patient xmlns=\"http://hl7.org/fhir\"/><Patient/>",
        """
        <?xml version="1.0"?>
        <!DOCTYPE Patient [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]>
        <Patient xmlns="http://hl7.org/fhir"><name><family value="&b;"/></name></Patient>
        """,
        """
        <?xml version="1.0"?>
        <!DOCTYPE Patient SYSTEM "file:///etc/hostname">
        <Patient xmlns="http://hl7.org/fhir"><name/></Patient>
        """,
        "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Patient xmlns=\"http://hl7.org/fhir\"><name/></Patient>",
    ])
    func malformed(_ text: String) {
        #expect(Self.locate(["Patient", "Patient.name[0]", "Patient.name"], in: text).isEmpty)
    }

    @Test("UTF-16 is not FHIR XML: empty result")
    func utf16() {
        let text = "<Patient xmlns=\"http://hl7.org/fhir\"><name/></Patient>"
        let bytes: [UInt8] = [0xFF, 0xFE] + text.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] }
        #expect(XMLSourceLocator.locations(of: ["Patient", "Patient.name[0]"], in: bytes).isEmpty)
    }

    @Test("random and mutated bytes never crash")
    func randomBytes() {
        var generator = LocatorRandom(seed: 7)
        let expressions: Set<String> = ["Patient", "Patient.name[0].given[1]", "Patient.birthDate.extension[0].url"]
        for _ in 0..<300 {
            let bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = XMLSourceLocator.locations(of: expressions, in: bytes)
        }
        let original = Array(Self.patient.utf8)
        let alphabet = Array("<>/=\"' ax&;!".utf8)
        for _ in 0..<1_000 {
            var bytes = original
            for _ in 0..<Int(1 + generator.next() % 4) {
                let index = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[index] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                case 1: bytes.remove(at: index)
                default: bytes.removeSubrange(index...)
                }
                if bytes.isEmpty { break }
            }
            let found = XMLSourceLocator.locations(of: expressions, in: bytes)
            for location in found.values { #expect(location.line >= 1 && location.column >= 1) }
        }
    }

    @Test("deep nesting is refused; nesting within the ceiling is located")
    func deepNesting() {
        let depth = 100_000
        let deep = "<Patient xmlns=\"http://hl7.org/fhir\">" + String(repeating: "<a>", count: depth)
            + String(repeating: "</a>", count: depth) + "</Patient>"
        let deepExpression = "Patient" + String(repeating: ".a", count: 500)
        #expect(Self.locate([deepExpression, "Patient"], in: deep).isEmpty)

        let allowed = ReadLimits.depthCeiling - 1
        let nested = "<Patient xmlns=\"http://hl7.org/fhir\">" + String(repeating: "<a>", count: allowed - 1) + "<b/>"
            + String(repeating: "</a>", count: allowed - 1) + "</Patient>"
        let expression = "Patient" + String(repeating: ".a", count: allowed - 1) + ".b"
        #expect(Self.locate([expression], in: nested)[expression] == LocatorText.location(of: "<b/>", in: nested))
    }

    // MARK: every element of the official examples

    static let examples: [String] = {
        let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/examples")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
        return names.filter { $0.hasSuffix(".xml") }.sorted()
    }()

    @Test("every element the reader reads is located at its start tag", arguments: examples)
    func everyElementOfExample(_ name: String) throws {
        let bytes = try XMLTest.fixture("examples/" + name)
        let resource = try #require(FHIRXMLReader().read(bytes).resource)
        let elements = LocatorExpressions.elements(of: resource)
        let found = XMLSourceLocator.locations(of: Set(elements.flatMap { [$0.expression, $0.unindexed] }), in: bytes)
        let offsets = LocatorText.Offsets(bytes)
        var problems: [String] = []
        var previousItem: [String: Int] = [:]
        for element in elements {
            guard let location = found[element.expression], let offset = offsets.offset(of: location) else {
                problems.append("\(element.expression): not located")
                continue
            }
            // An attribute (`id`, `url`) is located at its element.
            let tag = element.form.contains(.xmlAttribute) ? element.parentName : element.name
            let atTag = [" ", ">", "/", "\n", "\r", "\t"].contains { LocatorText.starts(bytes, at: offset, with: "<\(tag)\($0)") }
            if !atTag { problems.append("\(element.expression): not at <\(tag)>") }
            guard let index = element.index else { continue }
            // Items in order; the name without an index is the first.
            if index == 0, found[element.unindexed] != location { problems.append("\(element.unindexed): not at the first") }
            if let previous = previousItem[element.unindexed], offset <= previous {
                problems.append("\(element.expression): not after the item before")
            }
            previousItem[element.unindexed] = offset
        }
        #expect(problems.isEmpty, "\(name): \(problems.prefix(10))")
        #expect(elements.count > 1)
    }
}
