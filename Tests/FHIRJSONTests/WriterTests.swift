import FHIRCore
import FHIRJSON
import GatewayTestSupport
import Testing

/// What the writer emits is read by other systems: `resourceType` first, JSON they can parse
/// (escapes, UTF-8), the exact layout promised for compact and pretty output, `_name` arrays
/// with `null`s, and OperationOutcomes that our own strict reader accepts.
@Suite("JSON writer")
struct WriterTests {
    private typealias T = ReaderTest

    private func readStrict(_ text: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws -> FHIRElement {
        try #require(T.expectAccepted(T.read(text), sourceLocation: sourceLocation), sourceLocation: sourceLocation)
    }

    /// The bytes outside JSON strings.
    private func bytesBetweenTokens(_ json: [UInt8]) -> [UInt8] {
        var outside: [UInt8] = []
        var inString = false
        var escaped = false
        for byte in json {
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            } else {
                outside.append(byte)
            }
        }
        return outside
    }

    @Test("resourceType is written first even when it was read last")
    func resourceTypeFirst() throws {
        let resource = try readStrict(#"{"id":"p","active":true,"resourceType":"Patient"}"#)
        for pretty in [false, true] {
            let written = FHIRJSONWriter(pretty: pretty).write(resource).utf8Text
            let start = pretty ? "{\n  \"resourceType\": \"Patient\"," : #"{"resourceType":"Patient","#
            #expect(written.hasPrefix(start), "\(written)")
        }
    }

    @Test("members are written in definition order, not input order")
    func definitionOrder() throws {
        let resource = try readStrict(#"{"resourceType":"Patient","birthDate":"1990","active":true,"id":"p"}"#)
        #expect(FHIRJSONWriter().write(resource).utf8Text
                == #"{"resourceType":"Patient","id":"p","active":true,"birthDate":"1990"}"#)
    }

    @Test("compact output has no whitespace between tokens")
    func compactHasNoWhitespace() throws {
        let original = try Fixtures.bytes("examples", "patient-example.json")
        let resource = try #require(FHIRJSONReader().read(original).resource)
        let written = FHIRJSONWriter().write(resource)
        let whitespace: [UInt8] = [0x20, 0x0A, 0x0D, 0x09]
        #expect(!bytesBetweenTokens(written).contains { whitespace.contains($0) })
        #expect(try JSONValue.parse(original).firstDifference(from: JSONValue.parse(written)) == nil)
    }

    @Test("pretty output is indented by two spaces per level, one member per line")
    func prettyLayout() throws {
        let resource = try readStrict(
            #"{"resourceType":"Patient","id":"p1","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}]}"#)
        let expected = """
            {
              "resourceType": "Patient",
              "id": "p1",
              "active": true,
              "name": [
                {
                  "family": "Chalmers",
                  "given": [
                    "Peter",
                    "James"
                  ]
                }
              ]
            }

            """
        #expect(FHIRJSONWriter(pretty: true).write(resource).utf8Text == expected)
    }

    @Test("pretty output of a large resource nests by exactly two spaces")
    func prettyIndentationIsConsistent() throws {
        let resource = try #require(FHIRJSONReader().read(try Fixtures.bytes("examples", "patient-example.json")).resource)
        let lines = FHIRJSONWriter(pretty: true).write(resource).utf8Text.split(separator: "\n")
        var expectedIndent = 0
        for line in lines {
            let indent = line.prefix { $0 == " " }.count
            let closes = line.dropFirst(indent).first.map { $0 == "}" || $0 == "]" } ?? false
            if closes { expectedIndent -= 2 }
            #expect(indent == expectedIndent, "\(line)")
            if line.hasSuffix("{") || line.hasSuffix("[") { expectedIndent += 2 }
        }
        #expect(expectedIndent == 0)
    }

    @Test("quotes, backslashes and control characters are escaped")
    func escapes() throws {
        let text = "say \"hi\" \\ back\u{01}\u{08}\u{0C}\n\r\t\u{1F}/end"
        let node = FHIRElement.resource("Basic", children: [
            FHIRElement(name: "id", value: "b", form: .primitive),
            FHIRElement(name: "note", value: text, form: .primitive),
        ])
        let written = FHIRJSONWriter().write(node)
        #expect(written.containsBytes(of: #""say \"hi\" \\ back\u0001\b\f\n\r\t\u001f/end""#), "\(written.utf8Text)")
        #expect(!written.contains { $0 < 0x20 })
        #expect(try JSONValue.parse(written) == .object([
            "resourceType": .string("Basic"), "id": .string("b"), "note": .string(text),
        ]))
    }

    @Test("escaped text re-reads as the same tree")
    func escapesRoundTrip() throws {
        let resource = try readStrict(#"{"resourceType":"Patient","name":[{"text":"a \"b\" \\c\/d\n\te\r"}]}"#)
        #expect(resource.child("name")?.child("text")?.value == "a \"b\" \\c/d\n\te\r")
        let reread = try readStrict(FHIRJSONWriter().write(resource).utf8Text)
        #expect(reread == resource)
    }

    @Test("_name arrays are written with nulls where an item has no id or extension")
    func parallelArraysWithNulls() throws {
        let ext = #"{"extension":[{"url":"http://example.org/x","valueString":"v"}]}"#
        let resource = try readStrict(
            #"{"resourceType":"Patient","name":[{"_given":[null,\#(ext),{"id":"c"}],"given":["A",null,"C"]}]}"#)
        let written = FHIRJSONWriter().write(resource).utf8Text
        #expect(written.contains(#""given":["A",null,"C"],"_given":[null,\#(ext),{"id":"c"}]"#), "\(written)")
    }

    @Test("_name without a name when no item has a value")
    func extensionsOnlyWritesNoValueArray() {
        let ext = FHIRElement(name: "extension", children: [
            FHIRElement(name: "url", value: "http://example.org/x", form: [.primitive, .xmlAttribute]),
            FHIRElement(name: "valueBoolean", value: "true", form: [.primitive, .boolean]),
        ], form: .list)
        let node = FHIRElement.resource("Patient", children: [
            FHIRElement(name: "birthDate", children: [ext], form: .primitive),
        ])
        #expect(FHIRJSONWriter().write(node).utf8Text
                == #"{"resourceType":"Patient","_birthDate":{"extension":[{"url":"http://example.org/x","valueBoolean":true}]}}"#)
    }

    @Test("non-ASCII text is written as UTF-8 and round-trips")
    func unicodeRoundTrip() throws {
        let resource = try readStrict(
            #"{"resourceType":"Patient","name":[{"family":"Müller","given":["José","😀","Jos\u00e9","\ud83d\ude00"]}]}"#)
        #expect(resource.child("name")?.children("given").map(\.value) == ["José", "😀", "José", "😀"])
        let written = FHIRJSONWriter().write(resource)
        #expect(written.utf8Text.contains(#""given":["José","😀","José","😀"]"#), "\(written.utf8Text)")
        #expect(try readStrict(written.utf8Text) == resource)
    }

    @Test("an OperationOutcome made from issues is accepted by the strict reader")
    func operationOutcomeIsValid() throws {
        let bad = #"{"resourceType":"Patient","birthDate":"1990-13-01","fooBar":1,"name":[{"given":["A",null]}],"gender":"a\uD800"}"#
        let issues = T.read(bad).issues
        #expect(issues.count >= 4)
        #expect(issues.contains { $0.message.contains("\\") }, "a message with a backslash exercises escaping")
        for pretty in [false, true] {
            let written = FHIRJSONWriter(pretty: pretty).write(issues.operationOutcome())
            let outcome = try readStrict(written.utf8Text)
            #expect(outcome.resourceType == "OperationOutcome")
            let read = outcome.children("issue")
            #expect(read.count == issues.count)
            #expect(read.map { $0.child("diagnostics")?.value } == issues.map(\.message))
            #expect(read.map { $0.child("code")?.value } == issues.map(\.code.rawValue))
            #expect(read.map { $0.child("expression")?.value } == issues.map(\.expression))
        }
        let empty = FHIRJSONWriter().write([FHIRCore.Issue]().operationOutcome())
        let emptyOutcome = try readStrict(empty.utf8Text)
        #expect(emptyOutcome.child("issue")?.child("code")?.value == "informational")
    }
}
