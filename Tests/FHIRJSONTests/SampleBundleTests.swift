import FHIRCore
import FHIRJSON
import Foundation
import GatewayTestSupport
import Testing

/// `SampleBundles/` is what a newcomer tries first, so it must stay true: the referral reads and
/// round-trips, and every hostile file is refused. (The invalid bundles, which need the
/// validator, are checked in `FHIRValidationTests/InvalidSampleTests.swift`.)
@Suite("SampleBundles")
struct SampleBundleTests {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("SampleBundles")

    static func files(_ subfolder: String) -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder.appendingPathComponent(subfolder).path)) ?? []
        return names.filter { $0.hasSuffix(".json") && !$0.hasSuffix(".outcome.json") }.sorted()
    }

    private func bytes(_ path: String) throws -> [UInt8] {
        try SharedData.bytes(of: Self.folder.appendingPathComponent(path))
    }

    @Test("the referral bundle reads in strict mode and round-trips")
    func referral() throws {
        let input = try bytes("referral-bundle.json")
        let resource = try #require(FHIRJSONReader().read(input).resource)
        #expect(resource.resourceType == "Bundle")
        #expect(resource.children("entry").count == 5)
        let written = FHIRJSONWriter(pretty: true).write(resource)
        #expect(try JSONValue.parse(written) == JSONValue.parse(input))
    }

    @Test("a hostile file is refused", arguments: files("hostile"))
    func hostile(_ name: String) throws {
        let result = FHIRJSONReader().read(try bytes("hostile/" + name))
        #expect(result.resource == nil)
        #expect(result.issues.contains { $0.isError && $0.location != nil })
    }
}
