import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import Testing

/// Bodies arrive broken in every way a network or an exporter can break them. Both readers
/// are fed thousands of deterministic mutations of real resources (truncation, flipped bytes,
/// inserted and deleted bytes, duplicated spans): none may crash, and each answer must be
/// either a resource with no errors or errors with no resource, every issue with a location
/// or a FHIRPath.
@Suite("Readers survive mutated input")
struct MutationRobustnessTests {
    /// SplitMix64: a fixed seed makes every run test the same inputs.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var value = state
            value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
            value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
            return value ^ (value >> 31)
        }
    }

    static let sources: [[UInt8]] = {
        let folder = Bundle.module.resourceURL!.appendingPathComponent("Fixtures/examples")
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        return names.filter { $0.hasSuffix(".json") || $0.hasSuffix(".xml") }.compactMap {
            try? Array(Data(contentsOf: folder.appendingPathComponent($0)))
        }
    }()

    static func mutate(_ bytes: [UInt8], using generator: inout Generator) -> [UInt8] {
        var result = bytes
        guard !result.isEmpty else { return result }
        let interesting: [UInt8] = Array("{}[]<>\"'&;:,/\\=!-?#x0 \n".utf8) + [0x00, 0x80, 0xC3, 0xED, 0xFF]
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            let position = Int.random(in: 0..<result.count, using: &generator)
            switch Int.random(in: 0..<5, using: &generator) {
            case 0: result = Array(result[..<position])
            case 1: result[position] = interesting.randomElement(using: &generator)!
            case 2: result.insert(interesting.randomElement(using: &generator)!, at: position)
            case 3: result.remove(at: position)
            default:
                let end = min(result.count, position + Int.random(in: 1...64, using: &generator))
                result.insert(contentsOf: result[position..<end], at: position)
            }
            if result.isEmpty { break }
        }
        return result
    }

    @Test("thousands of mutations: no crash, and errors if and only if no resource")
    func mutations() {
        #expect(Self.sources.count >= 60)
        var generator = Generator(state: 20_261_123)
        var refused = 0
        for round in 0..<12_000 {
            let source = Self.sources[round % Self.sources.count]
            let input = Self.mutate(source, using: &generator)
            let result = InputFormat.detect(input) == .xml ? FHIRXMLReader().read(input) : FHIRJSONReader().read(input)
            if result.resource == nil {
                refused += 1
                #expect(result.issues.containsErrors, "refused without an error (round \(round))")
            } else {
                #expect(!result.issues.containsErrors, "accepted with an error (round \(round))")
            }
            for issue in result.issues where issue.location == nil && issue.expression == nil {
                #expect(issue.code == .tooCostly, "an issue with neither location nor path (round \(round)): \(issue)")
            }
        }
        #expect(refused > 6_000, "most mutations break the document")
    }
}
