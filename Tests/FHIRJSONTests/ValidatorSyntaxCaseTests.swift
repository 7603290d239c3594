import FHIRCore
import FHIRJSON
import Testing

/// HL7's validator test cases for broken JSON (fhir-test-cases `validator/`): each is refused,
/// with as many errors as the reference Java validator reports, at the lines where they are
/// (one case finds one more than Java does; see the table).
@Suite("HL7 validator JSON syntax cases")
struct ValidatorSyntaxCaseTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let file: String
        /// Error and fatal issues the reference validator reports.
        let errorCount: Int
        /// The line of each error, in order.
        let lines: [Int]
        var testDescription: String { file }
    }

    static let cases: [Case] = [
        Case(file: "json-comments-1.json", errorCount: 1, lines: [1]),
        Case(file: "json-comments-2.json", errorCount: 2, lines: [3, 11]),
        // Two commas are missing (lines 7 and 8: `"Sarah" "Mary"`); the Java validator reports
        // only the first. Reporting both is the point of recovering.
        Case(file: "json-comma-bad-1.json", errorCount: 2, lines: [7, 8]),
        Case(file: "json-comma-bad-2.json", errorCount: 3, lines: [9, 19, 23]),
        Case(file: "json-no-quotes-1.json", errorCount: 1, lines: [2]),
        Case(file: "json-no-quotes-2.json", errorCount: 3, lines: [8, 16, 19]),
        Case(file: "json-comments.json", errorCount: 1, lines: [4]),
        Case(file: "json-prop-key.json", errorCount: 1, lines: [1]),
        Case(file: "bad-json-close-1.json", errorCount: 1, lines: [15]),
        Case(file: "bad-json-close-2.json", errorCount: 1, lines: [15]),
        Case(file: "bad-json-close-3.json", errorCount: 1, lines: [16]),
    ]

    @Test("each case is refused with the reference validator's errors, each at its line", arguments: cases)
    func refused(_ testCase: Case) throws {
        let result = FHIRJSONReader().read(try Fixtures.bytes("validator-cases", testCase.file))
        #expect(result.resource == nil)
        let errors = result.issues.filter(\.isError)
        #expect(errors.count == testCase.errorCount, "\(errors.map(\.description))")
        #expect(errors.map { $0.location?.line ?? 0 } == testCase.lines, "\(errors.map(\.description))")
    }

    @Test("json-comma-bad-1 names the missing comma after family, in Patient.name[0]")
    func missingCommaIsExplained() throws {
        let result = FHIRJSONReader().read(try Fixtures.bytes("validator-cases", "json-comma-bad-1.json"))
        let issue = try #require(result.issues.first)
        #expect(issue.message.contains("comma is missing"))
        #expect(issue.expression == "Patient.name[0]")
        #expect(issue.location == SourceLocation(line: 7, column: 7))
    }
}
