import FHIRCore
import FHIRXML
import Testing

/// HL7's validator test cases (fhir-test-cases `validator/`) that the reference Java validator
/// refuses while parsing XML: each must be refused here too, with error or fatal issues that
/// carry a location, at the lines the reference outcome names for its parser-level findings.
/// Findings that need terminology or profiles (unknown codes, invariants) are not the reader's
/// job and are left out of the expected lines; each case says which lines it checks.
@Suite("HL7 validator XML cases the reference refuses while parsing")
struct XMLValidatorCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        /// Lines where the reader must report an error or fatal issue.
        let lines: [Int]
        /// The reference validator's outcome is fatal (the document is not read at all).
        let fatal: Bool
        /// A code the reader must use, where FHIR leaves no doubt.
        var code: IssueType? = nil
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        // Java: fatal [6,916] `&reg;` referenced but not declared (only XML's five are defined).
        Case(file: "xml-bad-entities.xml", lines: [6], fatal: true),
        // Java: text at [8,29] and [45,11], `coding` undefined in a Coding at [22,19], an invalid id
        // at [13,32]. Also [3,68] `xsi:schemaLocation`, which the reader accepts on the root as the
        // FHIR schemas do, and code-system findings at 20 and 41 that need terminology.
        Case(file: "xml-fail.xml", lines: [8, 13, 22, 45], fatal: false),
        // Java: [3,53] attribute `something`, [5,23] `value` element in valueInteger, [1,42]
        // Observation.code missing, [4,17] a primitive with neither value nor extension.
        Case(file: "Observation-ex-pain.xml", lines: [1, 3, 4, 5], fatal: false),
        // Java: [10,36] `script` element inside a string's element.
        Case(file: "pat-security-bad-string2.xml", lines: [10], fatal: false),
        // Java: [71,15] `identifier` is not an R4 CapabilityStatement element (it is R5).
        Case(file: "capabilitystatement-measure-processor.xml", lines: [71], fatal: false),
        // Java (inline in the manifest): fatal, "not a FHIR resource", no line given. The root
        // element in the CDA namespace is on line 3 / line 1.
        Case(file: "ccda-xsi-type.xml", lines: [3], fatal: true, code: .structure),
        Case(file: "cda/example.xml", lines: [1], fatal: true, code: .structure),
        // Java (an R5 case; the List is R4-valid apart from the DOCTYPE): fatal [1,10] DOCTYPE
        // disallowed.
        Case(file: "list-xhtml-xxe1.xml", lines: [1], fatal: true, code: .security),
        // Java: fatal at [0,0] (a SAX scanner state): a DOCTYPE inside the narrative, line 6, is not
        // well-formed XML there.
        Case(file: "list-xhtml-xxe2.xml", lines: [6], fatal: true),
    ]

    @Test("each case is refused, with located errors at the reference validator's lines", arguments: cases)
    func refused(_ testCase: Case) throws {
        let result = FHIRXMLReader().read(try XMLTest.fixture("validator-cases/" + testCase.file))
        XMLTest.expectRefused(result)
        let errors = result.issues.filter(\.isError)
        #expect(errors.allSatisfy { $0.location != nil }, "an error without a location: \(errors.map(\.description))")
        let lines = Set(errors.compactMap { $0.location?.line })
        #expect(Set(testCase.lines).isSubset(of: lines),
                "missing lines \(Set(testCase.lines).subtracting(lines).sorted()); got \(errors.map(\.description))")
        if testCase.fatal {
            #expect(errors.contains { $0.severity == .fatal }, "\(errors.map(\.description))")
        }
        if let code = testCase.code {
            #expect(errors.contains { $0.code == code }, "\(errors.map(\.description))")
        }
    }

    @Test("lenient mode refuses the not-well-formed and non-FHIR cases as strict mode does",
          arguments: cases.filter(\.fatal))
    func refusedWhenLenient(_ testCase: Case) throws {
        let result = FHIRXMLReader(mode: .lenient).read(try XMLTest.fixture("validator-cases/" + testCase.file))
        XMLTest.expectRefused(result)
        #expect(result.issues.contains { $0.severity == .fatal })
    }

    @Test("xml-fail: the text found in Bundle is reported as text, at the line where it stands")
    func xmlFailText() throws {
        let result = FHIRXMLReader().read(try XMLTest.fixture("validator-cases/xml-fail.xml"))
        let text = result.issues.filter { $0.code == .structure && $0.message.contains("text") }
        #expect(text.compactMap { $0.location?.line } == [8, 45], "\(result.issues.map(\.description))")
        // Issues never quote the document: the template markers must not appear.
        #expect(!result.issues.contains { $0.message.contains("[%") })
    }

    @Test("xml-bad-entities: the undeclared entity is at line 6, column 916 as in the reference")
    func undeclaredEntityColumn() throws {
        let result = FHIRXMLReader().read(try XMLTest.fixture("validator-cases/xml-bad-entities.xml"))
        #expect(result.resource == nil)
        let issue = try #require(result.issues.first { $0.isError })
        // Java's column is just past `&reg;` (the reference ends at 916); allow the span of the
        // reference itself, whose `&` is at column 911.
        #expect(issue.location?.line == 6)
        #expect((911...916).contains(issue.location?.column ?? 0), "\(issue)")
        #expect(!issue.message.contains("reg"), "the message quotes the document: \(issue)")
    }
}
