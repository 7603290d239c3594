import FHIRCore
import FHIRJSON
import Foundation
import GatewayTestSupport
import Testing

/// `JSONSourceLocator`: FHIRPath expressions as issues write them, mapped to the line and column
/// of the key (or array item) in the original bytes.
@Suite("JSON source locator")
struct JSONSourceLocatorTests {
    static let patient = """
        {
          "resourceType": "Patient",
          "id": "p1",
          "name": [
            {
              "family": "Chalmers",
              "given": ["Peter", "James"],
              "_given": [null, {"extension": [{"url": "http://x", "valueString": "é"}]}]
            }
          ],
          "birthDate": "1974-12-25",
          "_birthDate": {
            "extension": [
              {"url": "http://example.org/birthTime", "valueDateTime": "1974-12-25T14:35:45-05:00"}
            ]
          },
          "contact": [
            {"relationship": [{"text": "friend"}]}
          ],
          "contained": [
            {"resourceType": "Organization", "id": "o1", "name": "Acme"}
          ]
        }
        """

    static let observation = """
        {"resourceType": "Observation", "status": "final",
         "code": {"text": "weight"},
         "component": [
           {"code": {"text": "a"}, "valueString": "x"},
           {"code": {"text": "b"}, "valueQuantity": {"value": 1, "unit": "kg"}}
         ],
         "valueQuantity": {"value": 70, "unit": "kg"}}
        """

    static let bundle = """
        {"resourceType": "Bundle", "type": "collection",
         "entry": [
          {"fullUrl": "urn:uuid:1", "resource": {"resourceType": "Patient", "active": true}},
          {"fullUrl": "urn:uuid:2", "resource": {"resourceType": "Patient", "name": [{"family": "Doe"}]}}
         ]}
        """

    static func locate(_ expressions: Set<String>, in text: String) -> [String: FHIRCore.SourceLocation] {
        JSONSourceLocator.locations(of: expressions, in: Array(text.utf8))
    }

    static func check(_ cases: [(String, FHIRCore.SourceLocation)], in text: String,
                      sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let found = locate(Set(cases.map { $0.0 }), in: text)
        for (expression, expected) in cases {
            #expect(found[expression] == expected, "\(expression)", sourceLocation: sourceLocation)
        }
    }

    @Test("root, repeating and non-repeating elements, contained resources")
    func mappingRules() {
        let text = Self.patient
        Self.check([
            ("Patient", LocatorText.location(of: "{", in: text)),
            ("Patient.id", LocatorText.location(of: "\"id\": \"p1\"", in: text)),
            ("Patient.name", LocatorText.location(of: "\"name\"", in: text)),
            ("Patient.name[0]", LocatorText.location(of: "{\n      \"family\"", in: text)),
            ("Patient.name[0].family", LocatorText.location(of: "\"family\"", in: text)),
            ("Patient.name[0].given[0]", LocatorText.location(of: "\"Peter\"", in: text)),
            ("Patient.name[0].given[1]", LocatorText.location(of: "\"James\"", in: text)),
            ("Patient.birthDate", LocatorText.location(of: "\"birthDate\"", in: text)),
            ("Patient.contained[0]", LocatorText.location(of: "{\"resourceType\": \"Organization\"", in: text)),
            ("Patient.contained[0].name", LocatorText.location(of: "\"name\": \"Acme\"", in: text)),
        ], in: text)
    }

    @Test("a primitive's id and extension are under its _name twin, by item for arrays")
    func primitiveTwins() {
        let text = Self.patient
        Self.check([
            ("Patient.birthDate.extension[0]", LocatorText.location(of: "{\"url\": \"http://example.org", in: text)),
            ("Patient.birthDate.extension[0].url", LocatorText.location(of: "\"url\": \"http://example.org", in: text)),
            ("Patient.birthDate.extension[0].value.ofType(dateTime)", LocatorText.location(of: "\"valueDateTime\"", in: text)),
            ("Patient.name[0].given[1].extension[0]", LocatorText.location(of: "{\"url\": \"http://x\"", in: text)),
            ("Patient.name[0].given[1].extension[0].value.ofType(string)", LocatorText.location(of: "\"valueString\"", in: text)),
        ], in: text)
    }

    @Test("a primitive with extensions and no value is found at its _name twin")
    func twinWithoutValue() {
        let text = #"{"resourceType": "Patient", "_gender": {"extension": [{"url": "u", "valueCode": "x"}]}}"#
        let found = Self.locate(["Patient.gender", "Patient.gender.extension[0].url"], in: text)
        #expect(found["Patient.gender"] == LocatorText.location(of: "\"_gender\"", in: text))
        #expect(found["Patient.gender.extension[0].url"] == LocatorText.location(of: "\"url\"", in: text))
    }

    @Test("a choice is the name plus the type with its first letter upper-cased")
    func choices() {
        let text = Self.observation
        Self.check([
            ("Observation.value.ofType(Quantity)", LocatorText.location(of: "\"valueQuantity\": {\"value\": 70", in: text)),
            ("Observation.value.ofType(Quantity).unit", LocatorText.location(of: "\"unit\": \"kg\"}}", in: text, occurrence: 2)),
            ("Observation.valueQuantity", LocatorText.location(of: "\"valueQuantity\": {\"value\": 70", in: text)),
            ("Observation.component[0].value.ofType(string)", LocatorText.location(of: "\"valueString\"", in: text)),
            ("Observation.component[1].value.ofType(Quantity).value", LocatorText.location(of: "\"value\": 1", in: text)),
            ("Observation.component[1].code.text", LocatorText.location(of: "\"text\": \"b\"", in: text)),
        ], in: text)
    }

    @Test("a Bundle entry's resource is an object with its own resourceType")
    func bundleEntries() {
        let text = Self.bundle
        Self.check([
            ("Bundle.entry[1].resource.name[0]", LocatorText.location(of: "{\"family\"", in: text)),
            ("Bundle.entry[1].resource.name[0].family", LocatorText.location(of: "\"family\"", in: text)),
            ("Bundle.entry[0].resource.active", LocatorText.location(of: "\"active\"", in: text)),
            ("Bundle.entry[1].resource", LocatorText.location(of: "\"resource\"", in: text, occurrence: 2)),
            ("Bundle.entry[1]", LocatorText.location(of: "{\"fullUrl\": \"urn:uuid:2\"", in: text)),
        ], in: text)
    }

    @Test("an absent last element is located at its deepest existing ancestor")
    func absentChild() {
        let text = Self.patient
        let found = Self.locate(
            ["Patient.contact[0].name", "Patient.name[0].given[0].extension[0]", "Patient.name[3]", "Patient.gender",
             "Patient.name[0].period.start"],
            in: text)
        #expect(found["Patient.contact[0].name"] == LocatorText.location(of: "{\"relationship\"", in: text))
        #expect(found["Patient.name[0].given[0].extension[0]"] == LocatorText.location(of: "\"Peter\"", in: text))
        #expect(found["Patient.name[3]"] == LocatorText.location(of: "\"name\"", in: text))
        #expect(found["Patient.gender"] == LocatorText.location(of: "{", in: text))
        // Only the last segment may be missing: `period` is absent too, so this is not located.
        #expect(found["Patient.name[0].period.start"] == nil)
    }

    @Test("expressions that do not describe the document, or are not paths, are absent")
    func unmappable() {
        let expressions: Set<String> = [
            "Observation.status", "Patient.name[2].given[0]", "Patient..name", "Patient.name[", "Patient.name[x]",
            "(a name that is not an element name)", "", "Patient.name.where(use = 'official')", "patient-1",
            "Patient.name[0].given[99999999999999999999]", "Organization.name",
        ]
        let found = Self.locate(expressions, in: Self.patient)
        #expect(found.isEmpty, "\(found)")
        #expect(Self.locate(["Patient.name"], in: Self.observation).isEmpty)
        #expect(Self.locate([], in: Self.patient).isEmpty)
    }

    @Test("a key written with escapes still matches; the resourceType may come last")
    func escapesAndKeyOrder() {
        let text = #"{"n\u0061me": [{"family": "A"}], "resourceType": "Patient"}"#
        let found = Self.locate(["Patient.name[0].family", "Patient.name"], in: text)
        #expect(found["Patient.name[0].family"] == LocatorText.location(of: "\"family\"", in: text))
        #expect(found["Patient.name"] == FHIRCore.SourceLocation(line: 1, column: 2))
    }

    @Test("columns count Unicode scalars, as the reader's do")
    func scalarColumns() {
        let text = "{\"resourceType\": \"Patient\", \"text\": {\"div\": \"é漢😀\", \"status\": \"generated\"}}"
        let found = Self.locate(["Patient.text.status"], in: text)
        #expect(found["Patient.text.status"] == LocatorText.location(of: "\"status\"", in: text))
        #expect(found["Patient.text.status"]?.column == 52)  // 58 if it counted bytes
    }

    @Test("malformed input gives an empty result", arguments: [
        "", "{", "[]", "\"Patient\"", "{\"resourceType\": \"Patient\", \"name\": [{\"family\": \"A\"}]",
        "{\"resourceType\": \"Patient\"} trailing", "{\"resourceType\": \"Patient\", \"name\" [1]}",
        "{\"resourceType\": \"Patient\", \"name\": [1,]]}", "{\"resourceType\": \"Patient\", \"a\": \"\\",
        "\u{0}\u{1}garbage", "{\"resourceType\": \"Patient\", \"name\": [}",
    ])
    func malformed(_ text: String) {
        #expect(Self.locate(["Patient", "Patient.name[0]", "Patient.name"], in: text).isEmpty)
    }

    @Test("random and mutated bytes never crash")
    func randomBytes() {
        var generator = LocatorRandom(seed: 42)
        let expressions: Set<String> = ["Patient", "Patient.name[0].given[1]", "Patient.birthDate.extension[0].url"]
        for _ in 0..<300 {
            let bytes = (0..<Int(generator.next() % 200)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            _ = JSONSourceLocator.locations(of: expressions, in: bytes)
        }
        let original = Array(Self.patient.utf8)
        let alphabet = Array("{}[]\":,_\\ an0".utf8)
        for _ in 0..<2_000 {
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
            let found = JSONSourceLocator.locations(of: expressions, in: bytes)
            for location in found.values { #expect(location.line >= 1 && location.column >= 1) }
        }
    }

    @Test("deep nesting is refused without recursion; nesting within the ceiling is located")
    func deepNesting() {
        let depth = 200_000
        let objects = "{\"resourceType\": \"Patient\", " + String(repeating: "\"a\": {", count: depth)
            + String(repeating: "}", count: depth + 1)
        let deepExpression = "Patient" + String(repeating: ".a", count: 500)
        #expect(Self.locate([deepExpression, "Patient"], in: objects).isEmpty)
        let arrays = "{\"resourceType\": \"Patient\", \"a\": " + String(repeating: "[", count: depth)
            + String(repeating: "]", count: depth) + "}"
        #expect(Self.locate(["Patient.a[0]", "Patient"], in: arrays).isEmpty)

        let allowed = ReadLimits.depthCeiling - 1
        let nested = "{\"resourceType\": \"Patient\", " + String(repeating: "\"a\": {", count: allowed - 1) + "\"b\": 1"
            + String(repeating: "}", count: allowed)
        let expression = "Patient" + String(repeating: ".a", count: allowed - 1) + ".b"
        #expect(Self.locate([expression], in: nested)[expression] == LocatorText.location(of: "\"b\"", in: nested))
    }

    // MARK: every element of the official examples

    static let examples = Fixtures.files(in: "examples")

    @Test("every element the reader reads is located at its key or array item", arguments: examples)
    func everyElementOfExample(_ url: URL) throws {
        let bytes = Array(try Data(contentsOf: url))
        let resource = try #require(FHIRJSONReader().read(bytes).resource)
        let elements = LocatorExpressions.elements(of: resource)
        let found = JSONSourceLocator.locations(of: Set(elements.flatMap { [$0.expression, $0.unindexed] }), in: bytes)
        let offsets = LocatorText.Offsets(bytes)
        var problems: [String] = []
        var previousItem: [String: Int] = [:]
        for element in elements {
            guard let location = found[element.expression], let offset = offsets.offset(of: location) else {
                problems.append("\(element.expression): not located")
                continue
            }
            if element.isRoot {
                if bytes[offset] != UInt8(ascii: "{") { problems.append("\(element.expression): not at the object") }
                continue
            }
            // The name: at the key, or at the `_name` twin for a primitive without a value.
            guard let keyLocation = found[element.unindexed], let keyOffset = offsets.offset(of: keyLocation),
                  LocatorText.starts(bytes, at: keyOffset, with: "\"\(element.name)\"")
                    || LocatorText.starts(bytes, at: keyOffset, with: "\"_\(element.name)\"")
            else {
                problems.append("\(element.unindexed): not at the key \"\(element.name)\"")
                continue
            }
            guard element.index != nil else {
                if offset != keyOffset { problems.append("\(element.expression): not at its key") }
                continue
            }
            // An item: a value's first byte, after the key and after the item before it.
            let valueStarts = Set("{\"-0123456789tfn".utf8)
            let previous = previousItem[element.unindexed] ?? keyOffset
            if !valueStarts.contains(bytes[offset]) || offset <= previous {
                problems.append("\(element.expression): not at an array item")
            }
            previousItem[element.unindexed] = offset
        }
        #expect(problems.isEmpty, "\(url.lastPathComponent): \(problems.prefix(10))")
        #expect(elements.count > 1)
    }
}
