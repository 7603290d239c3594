import FHIRCore
import FHIRJSON
import GatewayTestSupport
import Testing

/// The reader must keep everything FHIR JSON can say (exact decimals, primitive extensions,
/// `null`s in `_name` arrays, contained resources, unknown content in lenient mode) and refuse
/// everything FHIR forbids, with a FHIRPath, a line and column, and never the patient's data.
@Suite("JSON reader fidelity and validation")
struct FidelityTests {
    private typealias T = ReaderTest

    private func observation(value: String) -> String {
        #"{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":\#(value)}}"#
    }

    private func patient(_ members: String) -> String { #"{"resourceType":"Patient",\#(members)}"# }

    /// Reads, expects no issues, writes compact, and checks the JSON is unchanged.
    private func expectRoundTrip(_ text: String, mode: ReadMode = .strict,
                                 sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let result = T.read(text, mode: mode)
        guard let resource = result.resource else {
            Testing.Issue.record("rejected: \(result.issues.map(\.description))", sourceLocation: sourceLocation)
            return
        }
        let written = FHIRJSONWriter().write(resource)
        let difference = try JSONValue.parse(Array(text.utf8)).firstDifference(from: JSONValue.parse(written))
        #expect(difference == nil, "\(difference ?? "")", sourceLocation: sourceLocation)
    }

    // MARK: values kept exactly

    @Test("decimals keep their exact lexeme", arguments: ["1.50", "1E-22", "-0.0", "100", "1.0e0", "0.000000000000000000001"])
    func decimalLexemeKept(lexeme: String) throws {
        let resource = try #require(T.expectAccepted(T.read(observation(value: lexeme))))
        let written = FHIRJSONWriter().write(resource)
        #expect(written.containsBytes(of: #""value":\#(lexeme)}"#), "\(written.utf8Text)")
    }

    @Test("a primitive with an extension and no value")
    func extensionWithoutValue() throws {
        let text = patient(#""_birthDate":{"extension":[{"url":"http://example.org/why","valueCode":"asked-declined"}]}"#)
        let resource = try #require(T.expectAccepted(T.read(text)))
        let birthDate = try #require(resource.child("birthDate"))
        #expect(birthDate.value == nil)
        #expect(birthDate.child("extension") != nil)
        try expectRoundTrip(text)
    }

    @Test("ele-1: a primitive with only an id (no value, no extension) is refused, single or in an array",
          arguments: [(#""_birthDate":{"id":"d1"}"#, "Patient.birthDate"),
                      (#""name":[{"given":[null],"_given":[{"id":"g1"}]}]"#, "Patient.name[0].given[0]"),
                      (#""name":[{"_given":[{"id":"g1"},null],"given":[null,"B"]}]"#, "Patient.name[0].given[0]")])
    func primitiveWithOnlyAnID(_ members: String, expression: String) {
        let result = T.read(patient(members))
        #expect(result.resource == nil || result.hasErrors)
        #expect(result.issues.contains { $0.message.contains("ele-1") && $0.expression == expression }, "\(result.issues.map(\.description))")
    }

    @Test("given and _given with nulls in both directions")
    func parallelArraysWithNulls() throws {
        let ext = #"{"extension":[{"url":"http://example.org/x","valueString":"v"}]}"#
        let text = patient(#""name":[{"given":["A",null,"C"],"_given":[null,\#(ext),{"id":"c"}]}]"#)
        let resource = try #require(T.expectAccepted(T.read(text)))
        let given = try #require(resource.child("name")).children("given")
        #expect(given.map(\.value) == ["A", nil, "C"])
        #expect(given.map { $0.children.isEmpty } == [true, false, false])
        try expectRoundTrip(text)
    }

    @Test("_given before given in the object gives the same tree")
    func extrasBeforeValues() throws {
        let valuesFirst = patient(#""name":[{"given":["A","B"],"_given":[null,{"id":"b"}]}]"#)
        let extrasFirst = patient(#""name":[{"_given":[null,{"id":"b"}],"given":["A","B"]}]"#)
        let first = try #require(T.expectAccepted(T.read(valuesFirst)))
        let second = try #require(T.expectAccepted(T.read(extrasFirst)))
        #expect(first == second)
        try expectRoundTrip(extrasFirst)
    }

    @Test("given and _given of different lengths are an error", arguments: [
        #""given":["A","B"],"_given":[{"id":"a"}]"#,
        #""given":["A"],"_given":[null,{"id":"b"}]"#,
        #""_given":[{"id":"a"}],"given":["A","B"]"#,
        #""_given":[{"id":"a"},{"id":"b"}],"given":["A"]"#,
    ])
    func mismatchedParallelArrays(members: String) {
        let result = T.read(patient(#""name":[{\#(members)}]"#))
        T.expectRejected(result)
        #expect(result.issues.contains { $0.expression?.hasPrefix("Patient.name[0].") == true && $0.code == .structure })
    }

    @Test("a null in given with nothing at that index of _given is an error")
    func nullWithoutExtension() {
        for members in [#""given":["A",null]"#, #""given":["A",null],"_given":[{"id":"a"},null]"#] {
            let result = T.read(patient(#""name":[{\#(members)}]"#))
            T.expectRejected(result)
            T.expectIssue(result, .error, .structure, expression: "Patient.name[0].given[1]")
        }
    }

    @Test("null for an element that is not an array is an error at the null")
    func nullForSingleElement() {
        let text = patient(#""birthDate":null"#)
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .structure, at: T.location(of: "null", in: text), expression: "Patient.birthDate")
    }

    // MARK: order and structure

    @Test("key order, including resourceType not first, does not change the tree")
    func keyOrderIndependence() throws {
        let one = #"{"resourceType":"Patient","id":"p","active":true,"name":[{"family":"F","given":["G"]}],"birthDate":"1990","_birthDate":{"id":"b"}}"#
        let two = #"{"_birthDate":{"id":"b"},"name":[{"given":["G"],"family":"F"}],"birthDate":"1990","active":true,"resourceType":"Patient","id":"p"}"#
        let first = try #require(T.expectAccepted(T.read(one)))
        let second = try #require(T.expectAccepted(T.read(two)))
        #expect(first == second)
        #expect(second.resourceType == "Patient")
    }

    @Test("contained resources and Bundle.entry.resource are read as resources")
    func nestedResources() throws {
        let contained = patient(##""contained":[{"resourceType":"Organization","id":"o1","name":"Clinic"}],"managingOrganization":{"reference":"#o1"}"##)
        let patientNode = try #require(T.expectAccepted(T.read(contained)))
        #expect(patientNode.child("contained")?.resourceType == "Organization")
        try expectRoundTrip(contained)

        let bundle = #"{"resourceType":"Bundle","type":"collection","entry":[{"fullUrl":"urn:uuid:5b8c3f46-4b4b-4c39-9d7e-2f2a6b0c1d2e","resource":\#(contained)}]}"#
        let bundleNode = try #require(T.expectAccepted(T.read(bundle)))
        let entryResource = try #require(bundleNode.child("entry")?.child("resource"))
        #expect(entryResource.resourceType == "Patient")
        #expect(entryResource.children == patientNode.children)
        try expectRoundTrip(bundle)
    }

    @Test("two types of a choice element together are an error")
    func choiceExclusivity() {
        let text = patient(#""extension":[{"url":"http://example.org/x","valueString":"a","valueBoolean":true}]"#)
        let result = T.read(text)
        T.expectRejected(result)
        let issue = T.expectIssue(result, .error, .structure, at: T.location(of: "true", in: text))
        #expect(issue?.expression?.hasPrefix("Patient.extension[0].value") == true, "\(issue?.expression ?? "nil")")
    }

    @Test("a _value[x] of another type than value[x] breaks choice exclusivity too", arguments: [
        #""valueBoolean":true,"_valueString":{"id":"s"}"#,
        #""_valueString":{"id":"s"},"valueBoolean":true"#,
        #""_valueBoolean":{"id":"b"},"_valueString":{"id":"s"}"#,
    ])
    func choiceExclusivityWithExtras(members: String) {
        let result = T.read(patient(#""extension":[{"url":"http://example.org/x",\#(members)}]"#))
        T.expectRejected(result)
        #expect(result.issues.contains { $0.isError && $0.expression?.hasPrefix("Patient.extension[0]") == true },
                "\(result.issues.map(\.description))")
    }

    @Test("an array for a single-valued element is an error naming the element")
    func arrayForSingleElement() {
        let text = patient(#""birthDate":["1990-01-01"]"#)
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .structure, at: T.location(of: "[", in: text), expression: "Patient.birthDate")
    }

    @Test("a single value for a repeating element is an error naming the element")
    func singleValueForList() {
        let text = patient(#""name":{"family":"F"}"#)
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .structure, at: T.location(of: #"{"family"#, in: text), expression: "Patient.name")
    }

    @Test("a value of the wrong JSON type is an error", arguments: [
        (#""active":"true""#, "Patient.active", #""true""#),
        (#""birthDate":1990"#, "Patient.birthDate", "1990"),
        (#""multipleBirthInteger":"2""#, "Patient.multipleBirth.ofType(integer)", #""2""#),
        (#""gender":true"#, "Patient.gender", "true"),
    ])
    func wrongJSONType(members: String, expression: String, valueMarker: String) {
        let text = patient(members)
        let result = T.read(text)
        T.expectRejected(result)
        let issue = result.issues.first { $0.expression == expression }
        #expect(issue?.isError == true, "\(result.issues.map(\.description))")
        #expect(issue?.location == T.location(of: valueMarker, in: text))
    }

    @Test("a badly formed primitive is a value error at the value", arguments: [
        (#""birthDate": "2023-02-30""#, "Patient.birthDate", #""2023-02-30""#),
        (#""birthDate": "1990-1-1""#, "Patient.birthDate", #""1990-1-1""#),
        (#""meta": {"lastUpdated": "2023-01-01T10:00:00"}"#, "Patient.meta.lastUpdated", #""2023-01-01"#),
        (#""deceasedDateTime": "2020-01-01T10:00""#, "Patient.deceased.ofType(dateTime)", #""2020-01-01"#),
        (#""multipleBirthInteger": 2147483648"#, "Patient.multipleBirth.ofType(integer)", "2147483648"),
    ])
    func badPrimitiveFormat(member: String, expression: String, valueMarker: String) {
        // Pretty-printed, so the line number is checked as well as the column.
        let text = "{\n  \"resourceType\": \"Patient\",\n  \"id\": \"p1\",\n  \(member)\n}"
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .value, at: T.location(of: valueMarker, in: text), expression: expression)
    }

    @Test("a missing required element is a required error", arguments: [
        (#""text":{"status":"generated"}"#, "Patient.text.div"),
        (#""link":[{"type":"seealso"}]"#, "Patient.link[0].other"),
    ])
    func missingRequiredElement(members: String, expression: String) {
        let result = T.read(patient(members))
        T.expectRejected(result)
        T.expectIssue(result, .error, .required, expression: expression)
    }

    @Test("empty values are errors", arguments: [
        (#""gender":"""#, "Patient.gender"),
        (#""maritalStatus":{}"#, "Patient.maritalStatus"),
        (#""name":[]"#, "Patient.name"),
        (#""_birthDate":{}"#, "Patient.birthDate"),
        (#""name":[{"given":["a"],"_given":[{}]}]"#, "Patient.name[0].given[0]"),
    ])
    func emptyValues(members: String, expression: String) {
        let result = T.read(patient(members))
        T.expectRejected(result)
        #expect(result.issues.contains { $0.isError && $0.expression == expression }, "\(result.issues.map(\.description))")
    }

    @Test("an abstract or unknown resourceType is an error",
          arguments: ["Resource", "DomainResource", "Patientt", "HumanName", "patient"])
    func unusableResourceType(type: String) {
        let result = T.read(#"{"resourceType":"\#(type)","id":"x"}"#)
        T.expectRejected(result)
        T.expectIssue(result, .error, .notSupported, at: T.at(17))
    }

    @Test("a UTF-8 byte order mark is tolerated and does not count as a column")
    func byteOrderMark() throws {
        T.expectAccepted(T.read(bytes: [0xEF, 0xBB, 0xBF] + Array(patient(#""active":true"#).utf8)))
        let text = patient(#""birthDate":"1990-13-01""#)
        let result = T.read(bytes: [0xEF, 0xBB, 0xBF] + Array(text.utf8))
        T.expectIssue(result, .error, .value, at: T.location(of: #""1990"#, in: text))
    }

    // MARK: unknown elements

    @Test("strict mode rejects an unknown element, naming it")
    func unknownElementStrict() {
        let text = patient(#""active":true,"fooBar":{"a":1}"#)
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .structure, at: T.location(of: #""fooBar"#, in: text), expression: "Patient.fooBar")
    }

    @Test("lenient mode keeps unknown content with a warning and writes it back unchanged")
    func unknownElementLenient() throws {
        let unknown = #""fooObject":{"a":[1,2.50,"x",true],"o":[{"b":"c"}],"n":-0.0},"fooArray":[1E3,"s"],"fooNumber":1.50,"fooString":"text""#
        let text = patient(#""active":true,"name":[{"family":"F","fooNested":"n"}],\#(unknown)"#)
        let result = T.read(text, mode: .lenient)
        let resource = try #require(result.resource)
        #expect(result.issues.allSatisfy { $0.severity == .warning && $0.code == .structure })
        #expect(Set(result.issues.compactMap(\.expression))
                == ["Patient.fooObject", "Patient.fooArray", "Patient.fooNumber", "Patient.fooString", "Patient.name[0].fooNested"])
        try expectRoundTrip(text, mode: .lenient)
        #expect(FHIRJSONWriter().write(resource).containsBytes(of: #""fooNumber":1.50"#))
    }

    @Test("lenient mode writes back an unknown array mixing scalars and objects unchanged")
    func unknownMixedArrayLenient() throws {
        try expectRoundTrip(patient(#""fooObject":{"a":[1,"x",{"b":"c"}]},"fooArray":[{"b":1},2]"#), mode: .lenient)
    }

    // MARK: FHIRPath expressions

    @Test("an error deep in a Bundle names the entry, the item and the repetition")
    func nestedExpression() {
        let entry0 = #"{"resource":{"resourceType":"Patient","active":true}}"#
        let entry1 = #"{"resource":{"resourceType":"Patient","name":[{"given":["A",7]}]}}"#
        let text = #"{"resourceType":"Bundle","type":"collection","entry":[\#(entry0),\#(entry1)]}"#
        let result = T.read(text)
        T.expectRejected(result)
        T.expectIssue(result, .error, .structure, at: T.location(of: "7]", in: text),
                      expression: "Bundle.entry[1].resource.name[0].given[1]")
    }

    @Test("an error inside a choice names its type with ofType")
    func choiceExpression() {
        let result = T.read(observation(value: #""1.5""#))
        T.expectRejected(result)
        #expect(result.issues.contains { $0.isError && $0.expression == "Observation.value.ofType(Quantity).value" },
                "\(result.issues.map(\.description))")
        let notObject = T.read(#"{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":"x"}"#)
        #expect(notObject.issues.contains { $0.isError && $0.expression == "Observation.value.ofType(Quantity)" },
                "\(notObject.issues.map(\.description))")
    }

    // MARK: privacy

    @Test("no issue repeats a value from the document")
    func issuesNeverContainData() {
        let secret = "SECRET-PATIENT-9931"
        let documents = [
            patient(#""birthDate":"\#(secret)","active":"\#(secret)","gender":" \#(secret) ","fooBar":"\#(secret)","\#(secret)":1,"_\#(secret)":{"id":"x"},"value\#(secret)":"x","name":[{"given":["\#(secret)",7],"\#(secret)":[{"\#(secret)":"\#(secret)"}]}],"id":"\#(secret) x","multipleBirthInteger":"\#(secret)","contained":[{"resourceType":"\#(secret)"}],"active":"\#(secret)","maritalStatus":{"coding":[{"system":"\#(secret) x","code":"\#(secret)  x"}]}"#),
            #"{"resourceType":"\#(secret)","id":"x"}"#,
            #"{"resourceType":"Observation","status":"\#(secret) ","code":{"text":"t"},"valueQuantity":{"value":"\#(secret)"}}"#,
        ]
        var issueCount = 0
        for document in documents {
            for mode in [ReadMode.strict, .lenient] {
                let result = T.read(document, mode: mode)
                issueCount += result.issues.count
                for issue in result.issues {
                    #expect(!issue.message.contains("9931"), "message: \(issue.message)")
                    #expect(issue.expression?.contains("9931") != true, "expression: \(issue.expression ?? "")")
                    #expect(!issue.description.contains("9931"), "description: \(issue.description)")
                }
            }
        }
        #expect(issueCount >= 20, "too few issues for the test to mean anything")
    }
}
