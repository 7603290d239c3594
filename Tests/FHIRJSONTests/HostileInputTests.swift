import FHIRCore
import FHIRJSON
import Testing

/// Bodies come from the network: the reader must refuse hostile or malformed JSON quickly, with
/// a precise issue (code, severity, line and column), without crashing, and without returning a
/// resource. Each test is one such input.
@Suite("Hostile JSON input")
struct HostileInputTests {
    private typealias T = ReaderTest

    private let patientName = #"{"resourceType":"Patient","name":[{"text":"#
    private let quantityValue =
        #"{"resourceType":"Observation","status":"final","code":{"text":"t"},"valueQuantity":{"value":"#

    // MARK: nesting

    @Test("a million nested arrays in a resource value stop at the depth limit")
    func millionNestedArrays() {
        let prefix = #"{"resourceType":"Patient","name":"#
        let text = prefix + String(repeating: "[", count: 1_000_000)
        // Speed is measured by gateway-bench, not here: what matters is the refusal and where.
        let result = T.read(text)
        #expect(result.resource == nil)
        // The root object is level 1, so the 100th '[' is the 101st container open at once.
        let limit = ReadLimits().maxDepth
        T.expectIssue(result, .fatal, .tooCostly, at: T.at(prefix.count + limit))
        #expect(result.issues.last?.severity == .fatal)
    }

    @Test("a million nested objects kept as unknown content (lenient) stop at the depth limit")
    func millionNestedObjectsLenient() {
        let prefix = #"{"resourceType":"Patient","a":"#
        let text = prefix + String(repeating: #"{"a":"#, count: 1_000_000)
        // Speed is measured by gateway-bench, not here: what matters is the refusal and where.
        let result = T.read(text, mode: .lenient)
        #expect(result.resource == nil)
        let limit = ReadLimits().maxDepth
        T.expectIssue(result, .fatal, .tooCostly, at: T.at(prefix.count + 5 * (limit - 1) + 1))
    }

    @Test("a million nested objects before resourceType stop at the depth limit while resourceType is sought")
    func millionNestedObjectsBeforeResourceType() {
        let prefix = #"{"a":"#
        let text = prefix + String(repeating: #"{"a":"#, count: 1_000_000)
        let result = T.read(text)
        #expect(result.resource == nil)
        let limit = ReadLimits().maxDepth
        T.expectIssue(result, .fatal, .tooCostly, at: T.at(prefix.count + 5 * (limit - 1) + 1))
    }

    // MARK: size limits

    @Test("a string longer than maxStringBytes is too long, at its opening quote")
    func stringLongerThanLimit() {
        let limits = T.limits { $0.maxStringBytes = 1_000 }
        let text = patientName + "\"" + String(repeating: "x", count: 1_001) + #""}]}"#
        let result = T.read(text, limits: limits)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .tooLong, at: T.at(patientName.count + 1))
    }

    @Test("a string with escapes longer than maxStringBytes is too long")
    func escapedStringLongerThanLimit() {
        let limits = T.limits { $0.maxStringBytes = 1_000 }
        let text = patientName + #""\n"# + String(repeating: "x", count: 1_000) + #""}]}"#
        let result = T.read(text, limits: limits)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .tooLong, at: T.at(patientName.count + 1))
    }

    @Test("a string of exactly maxStringBytes is accepted")
    func stringAtLimitAccepted() {
        let limits = T.limits { $0.maxStringBytes = 1_000 }
        let text = patientName + "\"" + String(repeating: "x", count: 1_000) + #""}]}"#
        T.expectAccepted(T.read(text, limits: limits))
    }

    @Test("a number longer than maxNumberLength is too long, at its first character")
    func numberLongerThanLimit() {
        let number = "1." + String(repeating: "5", count: ReadLimits().maxNumberLength)
        let result = T.read(quantityValue + number + "}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .tooLong, at: T.at(quantityValue.count + 1))
    }

    @Test("a document larger than maxDocumentBytes is too long before anything is read")
    func documentLargerThanLimit() {
        let limits = T.limits { $0.maxDocumentBytes = 64 }
        let text = #"{"resourceType":"Patient","id":"p1","active":true,"gender":"female"}"#
        #expect(text.utf8.count > 64)
        let result = T.read(text, limits: limits)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .tooLong, at: T.at(1))
    }

    @Test("maxIssues stops the reader with a final fatal too-costly issue")
    func issueLimitStopsReader() {
        let limits = T.limits { $0.maxIssues = 5 }
        let members = (1...20).map { #""unknown\#($0)":1"# }.joined(separator: ",")
        let result = T.read(#"{"resourceType":"Patient","# + members + "}", limits: limits)
        #expect(result.resource == nil)
        #expect(result.issues.count == limits.maxIssues + 1)
        let last = result.issues.last
        #expect(last?.severity == .fatal)
        #expect(last?.code == .tooCostly)
        let reported = result.issues.dropLast().compactMap(\.expression)
        #expect(reported == (1...5).map { "Patient.unknown\($0)" })
    }

    // MARK: encoding

    @Test("invalid UTF-8 (0xC3 0x28) inside a string is a structure error at the bad byte")
    func invalidContinuationByte() {
        // 'é' is one column though two bytes: the bad byte is 3 scalars after the quote.
        let bytes = Array((patientName + "\"é").utf8) + [0xC3, 0x28] + Array(#""}]}"#.utf8)
        let result = T.read(bytes: bytes)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 3))
    }

    @Test("an overlong UTF-8 encoding (0xC0 0xAF) is a structure error at the bad byte")
    func overlongEncoding() {
        let bytes = Array((patientName + "\"ab").utf8) + [0xC0, 0xAF] + Array(#""}]}"#.utf8)
        let result = T.read(bytes: bytes)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 4))
    }

    @Test("an encoded surrogate (0xED 0xA0 0x80) is a structure error at the bad byte")
    func encodedSurrogate() {
        let bytes = Array((patientName + "\"").utf8) + [0xED, 0xA0, 0x80] + Array(#""}]}"#.utf8)
        let result = T.read(bytes: bytes)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 2))
    }

    @Test("a lone high surrogate escape \\uD800 is a structure error at the backslash")
    func loneHighSurrogateEscape() {
        let result = T.read(patientName + #""a\uD800"}]}"#)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 3))
    }

    @Test("a lone low surrogate escape \\uDC00 is a structure error at the backslash")
    func loneLowSurrogateEscape() {
        let result = T.read(patientName + #""\uDC00"}]}"#)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 2))
    }

    @Test("a high surrogate escape followed by a non-surrogate escape is a structure error")
    func highSurrogateWithoutLowEscape() {
        let result = T.read(patientName + #""\uD800\u0041"}]}"#)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(patientName.count + 2))
    }

    // MARK: JSON grammar

    @Test("a duplicate key is an error at the second key")
    func duplicateKey() {
        let text = #"{"resourceType":"Patient","active":true,"active":false}"#
        let result = T.read(text)
        #expect(result.resource == nil)
        T.expectIssue(result, .error, .structure, at: T.at(41), expression: "Patient.active")
    }

    @Test("a duplicate key spelled with an escape is still a duplicate")
    func duplicateKeyWithEscape() {
        let text = #"{"resourceType":"Patient","active":true,"act\u0069ve":false}"#
        let result = T.read(text)
        #expect(result.resource == nil)
        T.expectIssue(result, .error, .structure, at: T.at(41))
    }

    @Test("a duplicate resourceType is an error")
    func duplicateResourceType() {
        let text = #"{"resourceType":"Patient","resourceType":"Patient"}"#
        let result = T.read(text)
        #expect(result.resource == nil)
        T.expectIssue(result, .error, .structure, at: T.at(27))
    }

    @Test("1e999999 as a decimal is a value error, out of range of a double")
    func decimalExponentOutOfRange() {
        let result = T.read(quantityValue + "1e999999}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .error, .value, at: T.at(quantityValue.count + 1),
                      expression: "Observation.value.ofType(Quantity).value")
    }

    @Test("a number with a leading zero (01) is a structure error")
    func leadingZero() {
        let result = T.read(quantityValue + "01}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(quantityValue.count + 1))
    }

    @Test("a negative number with a leading zero (-01) is a structure error")
    func negativeLeadingZero() {
        let result = T.read(quantityValue + "-01}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(quantityValue.count + 1))
    }

    @Test("NaN is not JSON")
    func notANumber() {
        let result = T.read(quantityValue + "NaN}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .error, .structure, at: T.at(quantityValue.count + 1))
    }

    @Test("-Infinity is not JSON")
    func negativeInfinity() {
        let result = T.read(quantityValue + "-Infinity}}")
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(quantityValue.count + 1))
    }

    @Test("a bare top-level string is fatal", arguments: [#""x""#, "42", "[]", "null", "true"])
    func bareTopLevelValue(text: String) {
        let result = T.read(text)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(1))
    }

    @Test("an object without resourceType is an error")
    func missingResourceType() {
        let result = T.read(#"{"id":"x"}"#)
        T.expectRejected(result)
        T.expectIssue(result, .error, .required, at: T.at(1))
    }

    @Test("a 0-byte body is fatal")
    func emptyBody() {
        let result = T.read(bytes: [])
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(1))
    }

    @Test("a whitespace-only body is fatal, located where the content ends")
    func whitespaceOnlyBody() {
        let result = T.read("  \n\t ")
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: FHIRCore.SourceLocation(line: 2, column: 3))
    }

    @Test("a body that is only a byte order mark is fatal")
    func byteOrderMarkOnlyBody() {
        let result = T.read(bytes: [0xEF, 0xBB, 0xBF])
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure)
    }

    @Test("content after the resource is fatal")
    func trailingContent() {
        let text = #"{"resourceType":"Patient","active":true} {}"#
        let result = T.read(text)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(42))
    }

    @Test("a document that ends inside a string is fatal")
    func unterminatedString() {
        let result = T.read(#"{"resourceType":"Patient","gender":"fem"#)
        #expect(result.resource == nil)
        T.expectIssue(result, .fatal, .structure, at: T.at(36))
    }
}
