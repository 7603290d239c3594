import FHIRCore
import Foundation
import Testing

/// The byte-level format checks accept what the R4 regexes (from the catalogue) accept, checked
/// on the same samples with `NSRegularExpression`; they refuse more only where the spec says a
/// value must also be real (calendar dates) or fit its type (integer ranges, decimal exponents).
@Suite("Primitive formats against the R4 regexes")
struct PrimitiveFormatTests {
    static let samples: [PrimitiveKind: [String]] = [
        .date: ["2024", "2024-02", "2024-02-29", "2023-02-29", "2024-13", "0000", "24-01-01", "2024-1-1", "2024-02-30", "2024-04-31"],
        .dateTime: ["2024", "2024-03-01T10:00:00Z", "2024-03-01T10:00:00.123+14:00", "2024-03-01T10:00:00+14:30",
                    "2024-03-01T10:00", "2024-03-01T24:00:00Z", "2024-03-01T10:00:60Z", "2024-03T10:00:00Z",
                    "2024-03-01T10:00:00", "2015-02-07T13:28:17-05:00"],
        .instant: ["2024-03-01T10:00:00Z", "2024-03-01T10:00:00.5-03:00", "2024-03-01", "2024-03-01T10:00:00"],
        .time: ["10:00:00", "23:59:60", "24:00:00", "10:00", "10:00:00.25", "1:00:00"],
        .integer: ["0", "-1", "2147483647", "-2147483648", "01", "+1", "1.0", "2147483648"],
        .unsignedInt: ["0", "1", "-1", "00", "2147483647"],
        .positiveInt: ["1", "0", "+1", "10", "01"],
        .decimal: ["0", "1.50", "-0.0", "1E-22", "1e308", "1e999999", "01.5", ".5", "1.", "-"],
        .id: ["abc-1.2", "a_b", String(repeating: "a", count: 64), String(repeating: "a", count: 65), "a b"],
        .oid: ["urn:oid:1.2.3", "urn:oid:2.16.840", "urn:oid:3.1", "urn:oid:1", "urn:oid:1.02"],
        .uuid: ["urn:uuid:c757873d-ec9a-4326-a141-556f43239520", "urn:uuid:C757873D-EC9A-4326-A141-556F43239520",
                "c757873d-ec9a-4326-a141-556f43239520"],
        .code: ["active", "a b", " a", "a ", "a  b"],
        .uri: ["http://example.org/x", "urn:x", "a b"],
        .base64Binary: ["aGVsbG8=", "aGVs bG8=", "aGVsbG8", "a===", "aG Vs"],
        .boolean: ["true", "false", "True", "1"],
    ]

    static var cases: [(PrimitiveKind, String)] {
        samples.sorted { $0.key.rawValue < $1.key.rawValue }.flatMap { kind, values in values.map { (kind, $0) } }
    }

    @Test("agrees with the catalogue regex, except where the value is not real", arguments: cases)
    func agreesWithRegex(_ kind: PrimitiveKind, _ value: String) throws {
        let regex = try #require(TypeCatalogue.r4.types[kind.rawValue]?.regex)
        let expression = try NSRegularExpression(pattern: "^(?:\(regex))$")
        let regexAccepts = expression.firstMatch(in: value, range: NSRange(value.startIndex..., in: value)) != nil
        var bytes = Array(value.utf8)
        let ours = bytes.withUnsafeMutableBytes { kind.check(UnsafeRawBufferPointer($0)) }
        if regexAccepts {
            let allowedRefusals: Set<String> = ["2023-02-29", "2024-02-30", "2024-04-31", "2147483648", "1e999999"]
            #expect(ours == nil || allowedRefusals.contains(value), "\(kind) '\(value)': regex accepts, we refuse \(String(describing: ours))")
        } else {
            #expect(ours != nil, "\(kind) '\(value)': regex refuses, we accept")
        }
    }

    @Test("range and calendar refusals say so")
    func rangeProblems() {
        func check(_ kind: PrimitiveKind, _ value: String) -> FormatProblem? {
            Array(value.utf8).withUnsafeBytes { kind.check($0) }
        }
        #expect(check(.integer, "2147483648") == .outOfRange)
        #expect(check(.decimal, "1e999999") == .outOfRange)
        #expect(check(.decimal, "0.0e999999") == nil, "zero is zero whatever its exponent")
        #expect(check(.date, "2023-02-29") == .syntax)
        #expect(check(.string, "") == .empty)
    }

    /// The string and uri checks first test eight bytes at a time whether any byte is low
    /// enough to matter (`hasByte(below:in:)`); the verdict must be the byte-by-byte one for
    /// every length, offset and neighbour (a borrow between bytes must not hide or invent one).
    @Test("the string and uri checks agree with a byte-by-byte scan at every offset of values up to 24 bytes")
    func wordAtATimeChecks() {
        let special: [UInt8] = [0x00, 0x01, 0x09, 0x0A, 0x0B, 0x0D, 0x1F, 0x20, 0x21, 0x7F, 0x80, 0xFF]
        let fillers: [UInt8] = [0x20, 0x21, 0x41, 0x80, 0xFF]
        var disagreements: [String] = []
        for length in 1...24 {
            for filler in fillers {
                for position in 0..<length {
                    for byte in special {
                        var bytes = [UInt8](repeating: filler, count: length)
                        bytes[position] = byte
                        let string = bytes.withUnsafeBytes { PrimitiveKind.string.check($0) }
                        let expectedString = bytes.allSatisfy { $0 >= 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
                        let uri = bytes.withUnsafeBytes { PrimitiveKind.uri.check($0) }
                        // No white space and no other control character (XML cannot carry one).
                        let expectedURI = !bytes.contains { $0 < 0x21 }
                        if (string == nil) != expectedString || (uri == nil) != expectedURI {
                            disagreements.append("\(bytes)")
                        }
                    }
                }
            }
        }
        #expect(disagreements.isEmpty, "\(disagreements.prefix(5))")
    }
}
