import FHIRCore
import FHIRXML
import Foundation
import Testing

/// The reader's fast paths: a primitive read whole at its start tag (no frame unless a child
/// element turns up), element names resolved by libxml2's interned pointer per context, and
/// whitespace and value checks done eight bytes at a time. Each test pins what the slow path
/// did before, on the inputs where the two could part.
@Suite("XML reader fast paths")
struct XMLReaderFastPathTests {
    private typealias T = XMLTest
    private let patient = #"<Patient xmlns="http://hl7.org/fhir">"#
    private let extensionXML = #"<extension url="http://example.org/x"><valueString value="y"/></extension>"#

    /// The 1-based column of the first `marker` in a one-line text.
    private func column(of marker: String, in text: String) -> Int {
        text.distance(from: text.startIndex, to: text.range(of: marker)!.lowerBound) + 1
    }

    @Test("text in a primitive, framed or not, is an error at the primitive, located at the text's first visible character",
          arguments: [#"<given value="x">Txt</given>"#, #"<given value="x">  Txt</given>"#, #"<given value="x">Txt&amp;</given>"#,
                      #"<given id="g" value="x">Txt</given>"#, #"<given value="x">\#(#"<extension url="http://example.org/x"><valueString value="y"/></extension>"#)Txt</given>"#])
    func textInPrimitive(_ given: String) {
        let text = patient + "<name>" + given + "</name></Patient>"
        let result = T.read(text)
        T.expectRefused(result)
        #expect(result.issues.count == 1, "\(result.issues.map(\.description))")
        T.expectIssue(result, [.structure], severity: .error, line: 1, column: column(of: "Txt", in: text),
                      expression: "Patient.name[0].given[0]")
    }

    @Test("text that starts with a character or entity reference is located at the reference's &",
          arguments: ["&amp;junk", "&#x41;junk", "&#65;junk", "&lt;"])
    func textAfterReference(_ stray: String) {
        let text = patient + #"<active value="true"/>"# + stray + "</Patient>"
        let result = T.read(text)
        T.expectRefused(result)
        T.expectIssue(result, [.structure], severity: .error, line: 1, column: column(of: stray, in: text), expression: "Patient")
    }

    @Test("ele-1: a primitive with only an id, no value and no extension, is refused; with an extension it is kept",
          arguments: [(#"<name><given id="g1"/></name>"#, false), (#"<name><given id="g1">\#(#"<extension url="http://example.org/x"><valueString value="y"/></extension>"#)</given></name>"#, true)])
    func primitiveWithOnlyAnID(_ name: String, accepted: Bool) {
        let result = T.read(patient + name + "</Patient>")
        if accepted {
            #expect(!result.hasErrors, "\(result.issues.map(\.description))")
        } else {
            T.expectRefused(result)
            #expect(result.issues.contains { $0.message.contains("ele-1") && $0.expression == "Patient.name[0].given[0]" },
                    "\(result.issues.map(\.description))")
        }
    }

    @Test("text between elements is located at its first visible character, whatever whitespace comes first",
          arguments: 0...17)
    func textAfterWhitespace(spaces: Int) {
        let whitespace = String((0..<spaces).map { $0 % 3 == 2 ? "\t" : " " })
        // ASCII text libxml2 hands from its buffer; non-ASCII text it copies first.
        for visible in ["Txt", "\u{E9}Txt"] {
            let text = patient + "<name>" + whitespace + visible + "</name></Patient>"
            let result = T.read(text)
            T.expectIssue(result, [.structure], line: 1, column: column(of: visible, in: text), expression: "Patient.name[0]")
        }
    }

    /// `firstVisibleByte` counts every byte up to 0x20 as whitespace: right only because libxml2
    /// refuses the other control characters in text, raw or as references, before handing it over.
    @Test("a control character in text between elements is refused by the parser, raw or as a reference",
          arguments: ["\u{01}", "        \u{1F}", "&#1;", "          &#x1F;", "\u{0B}"])
    func controlCharacterInText(_ body: String) {
        let result = T.read(patient + "<name>" + body + "</name></Patient>")
        T.expectRefused(result)
        T.expectIssue(result, [.structure], severity: .fatal, line: 1)
    }

    @Test("a primitive read at its start tag takes a frame for its extensions and keeps its value; the next sibling is checked against it")
    func promotedPrimitive() throws {
        let accepted = T.read(patient + #"<birthDate value="1970-01-01">\#(extensionXML)\#(extensionXML)</birthDate></Patient>"#)
        let birthDate = try #require(T.expectAccepted(accepted)?.child("birthDate"))
        #expect(birthDate.value == "1970-01-01")
        #expect(birthDate.children("extension").map { $0.child("valueString")?.value } == ["y", "y"])

        let repeatedText = patient + #"<gender value="male">\#(extensionXML)</gender><gender value="female"/></Patient>"#
        let repeated = T.read(repeatedText)
        T.expectRefused(repeated)
        T.expectIssue(repeated, [.structure], column: column(of: #"<gender value="female""#, in: repeatedText),
                      expression: "Patient.gender")
    }

    @Test("a refused value is reported once, with or without extensions, and not also as a missing value",
          arguments: [#"<birthDate value="1970-13-01"/>"#, #"<birthDate value=""/>"#,
                      #"<birthDate value="1970-13-01"><extension url="http://example.org/x"><valueString value="y"/></extension></birthDate>"#,
                      #"<birthDate value=""><extension url="http://example.org/x"><valueString value="y"/></extension></birthDate>"#])
    func refusedValue(_ birthDate: String) {
        let result = T.read(patient + birthDate + "</Patient>")
        T.expectRefused(result)
        #expect(result.issues.map(\.code) == [.value], "\(result.issues.map(\.description))")
        T.expectIssue(result, [.value], line: 1, column: 38, expression: "Patient.birthDate")
    }

    @Test("a value attribute that is not alone takes the framed path: id is kept, other and namespaced attributes are refused")
    func valueNotAlone() throws {
        let kept = T.read(patient + #"<name><given id="g1" value="x"/></name></Patient>"#)
        let given = try #require(T.expectAccepted(kept)?.child("name")?.child("given"))
        #expect(given.value == "x")
        #expect(given.childValue("id") == "g1")

        let space = T.read(patient + #"<name><given xml:space="preserve" value="x"/></name></Patient>"#)
        T.expectIssue(space, [.structure], expression: "Patient.name[0].given[0].@space")
        #expect(space.issues.count == 1, "\(space.issues.map(\.description))")

        // A prefixed `value` is not the value: it is refused, and the value is missing.
        let prefixed = T.read(patient + #"<name><given xmlns:x="urn:x" x:value="x"/></name></Patient>"#)
        T.expectIssue(prefixed, [.structure], expression: "Patient.name[0].given[0].@value")
        T.expectIssue(prefixed, [.required], expression: "Patient.name[0].given[0]")
    }

    @Test("a lenient read keeps unknown content under a primitive read at its start tag, values and children included")
    func lenientUnknownUnderPrimitive() throws {
        let result = T.read(patient + #"<name><given value="x"><foo value="y"><bar value="z"/></foo></given></name></Patient>"#,
                            mode: .lenient)
        #expect(result.issues.map(\.severity) == [.warning], "\(result.issues.map(\.description))")
        let given = try #require(result.resource?.child("name")?.child("given"))
        #expect(given.value == "x")
        let foo = try #require(given.child("foo"))
        #expect(foo.value == "y" && foo.form.contains(.unknown))
        #expect(foo.childValue("bar") == "z")

        let strict = T.read(patient + #"<name><given value="x"><foo value="y"/></given></name></Patient>"#)
        T.expectIssue(strict, [.structure], expression: "Patient.name[0].given[0].foo")
    }

    @Test("a limit reached at a child of a primitive read at its start tag stops the read cleanly",
          arguments: [T.limits { $0.maxElements = 2 }, T.limits { $0.maxDepth = 2 }, T.limits { $0.maxIssues = 1 }])
    func limitInsidePrimitive(_ limits: ReadLimits) {
        let text = patient + #"<name><given value="a">t</given><given value="b">\#(extensionXML)t</given></name>"#
            + #"<active value="true">\#(extensionXML)</active></Patient>"#
        let result = T.read(text, limits: limits)
        T.expectRefused(result)
        #expect(result.issues.contains { $0.severity == .fatal && $0.code == .tooCostly }, "\(result.issues.map(\.description))")
    }

    @Test("one name resolves per context: `text` is a Narrative in Patient and a string in HumanName; `id` is an element in Patient and an attribute in HumanName")
    func nameCachePerContext() throws {
        let text = patient + #"<id value="p"/><text><status value="generated"/><div xmlns="http://www.w3.org/1999/xhtml"><ol><li value="3">a</li></ol></div></text>"#
            + #"<name><text value="N"/></name><name><text value="M"/></name></Patient>"#
        let resource = try #require(T.expectAccepted(T.read(text)))
        #expect(resource.childValue("id") == "p")
        #expect(resource.child("text")?.childValue("div")?.contains(#"<li value="3">"#) == true)
        #expect(resource.children("name").map { $0.childValue("text") } == ["N", "M"])

        let attributeAsElement = T.read(patient + #"<id value="p"/><name><id value="b"/></name></Patient>"#)
        T.expectIssue(attributeAsElement, [.structure], expression: "Patient.name[0].id")
    }

    @Test("the name cache gives the same members after it grows: a Bundle of every domain resource type with no required element, twice over")
    func nameCacheGrowth() throws {
        let catalogue = TypeCatalogue.r4
        let types = catalogue.resourceTypeNames.filter { name in
            guard let id = catalogue.resourceContextID(forName: name) else { return false }
            return catalogue.contexts[id].required.isEmpty && catalogue.contexts[id].members.contains { $0.name == "modifierExtension" }
        }
        // Six names per resource context: past the cache's first growth (at 128 entries).
        try #require(types.count * 6 > 128)
        let entries = (types + types).enumerated().map { index, type in
            #"<entry><resource><\#(type)><id value="e\#(index)"/><meta><versionId value="1"/></meta>"#
                + #"<implicitRules value="http://example.org/r"/><language value="en"/>"#
                + extensionXML + #"<modifierExtension url="http://example.org/m"><valueString value="y"/></modifierExtension>"#
                + #"</\#(type)></resource></entry>"#
        }
        let text = #"<Bundle xmlns="http://hl7.org/fhir"><type value="collection"/>"# + entries.joined() + "</Bundle>"
        let bundle = try #require(T.expectAccepted(T.read(text)))
        let resources = bundle.children("entry").compactMap { $0.child("resource") }
        #expect(resources.map(\.resourceType) == (types + types).map { Optional($0) })
        #expect(resources.enumerated().allSatisfy { index, resource in
            resource.childValue("id") == "e\(index)" && resource.childValue("language") == "en"
                && resource.childValue("implicitRules") == "http://example.org/r"
                && resource.child("meta")?.childValue("versionId") == "1"
                && resource.child("extension")?.childValue("valueString") == "y"
                && resource.child("modifierExtension")?.childValue("url") == "http://example.org/m"
        })
    }

    @Test("the eight-bytes-at-a-time checks: whitespace in a uri past the first eight bytes is refused; LF in a string is kept")
    func wordAtATimeValueChecks() {
        let uri = T.read(patient + #"<meta><source value="http://example.org/aaaaaaaa&#9;b"/></meta></Patient>"#)
        T.expectIssue(uri, [.value], expression: "Patient.meta.source")
        let string = T.read(patient + #"<name><family value="abcdefghijklmnop&#10;q"/></name></Patient>"#)
        #expect(T.expectAccepted(string)?.child("name")?.childValue("family") == "abcdefghijklmnop\nq")
    }

    /// `MemberFacts` reads `Form`'s bits directly (its static members are not inlinable across
    /// modules), so a change to `Form` would silently change what the reader does.
    @Test("the member facts the reader uses agree with the catalogue's members, for every member of every context")
    func memberFactsAgreeWithCatalogue() {
        let catalogue = TypeCatalogue.r4
        let facts = catalogue.memberFacts.facts
        var disagreements: [String] = []
        for context in catalogue.contexts {
            for (memberIndex, member) in context.members.enumerated() {
                let index = facts.index(contextID: context.id, memberIndex: memberIndex)
                let fact = facts[index]
                let (kind, child, primitive): (MemberFacts.Fact.ValueKind, Int32, PrimitiveKind?) = switch member.valueType {
                case .primitive(let primitive): (.primitive, -1, primitive)
                case .complex(let id): (.complex, Int32(id), nil)
                case .resource: (.resource, -1, nil)
                }
                if facts.name(index) != member.name || fact.position != member.position || fact.form != member.form
                    || fact.isList != member.isList || fact.isXHTML != member.form.contains(.xhtml)
                    || fact.isXMLAttribute != member.form.contains(.xmlAttribute)
                    || fact.isUnbounded != (member.max == .max) || (!fact.isUnbounded && Int(fact.max) != member.max)
                    || fact.valueKind != kind || fact.childContextID != child || (primitive != nil && fact.primitiveKind != primitive) || Int(fact.valueContextID) != member.valueContextID {
                    disagreements.append("\(context.path).\(member.name)")
                }
            }
            if Array(facts.requiredPositions(contextID: context.id)) != context.required.map(\.position) {
                disagreements.append("\(context.path) required")
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(10))")
    }
}
