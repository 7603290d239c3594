import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayTestSupport
import Testing

/// Each file in `SampleBundles/invalid/` breaks one rule of base R4 or of the IOP's profiles,
/// and the gateway answers it with exactly the OperationOutcome committed beside it: the same
/// issues, FHIRPath expressions, lines and columns. The valid samples have no error at all.
@Suite("SampleBundles through the validator")
struct InvalidSampleTests {
    static let folder = SharedData.repositoryRoot.appendingPathComponent("SampleBundles")
    static let validator: DocumentValidator = {
        let registry = try? ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        return DocumentValidator(validator: FHIRValidator(registry: registry ?? ProfileRegistry()))
    }()

    static func files(_ subfolder: String) -> [String] {
        let path = folder.appendingPathComponent(subfolder).path
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.filter { ($0.hasSuffix(".json") || $0.hasSuffix(".xml")) && !$0.hasSuffix(".outcome.json") }.sorted()
    }

    @Test("at least 15 invalid samples, each with its expected OperationOutcome")
    func enough() {
        #expect(Self.files("invalid").count >= 15)
    }

    @Test("an invalid sample yields exactly its committed OperationOutcome", arguments: files("invalid"))
    func invalid(_ name: String) throws {
        let outcome = Self.validator.validate(try SharedData.bytes(of: Self.folder.appendingPathComponent("invalid/" + name)))
        #expect(outcome.hasErrors)
        let written = FHIRJSONWriter(pretty: true).write(outcome.issues.operationOutcome())
        let expectedName = "invalid/" + (name as NSString).deletingPathExtension + ".outcome.json"
        let expected = try SharedData.bytes(of: Self.folder.appendingPathComponent(expectedName))
        #expect(try JSONValue.parse(written) == JSONValue.parse(expected), "\(String(decoding: written, as: UTF8.self))")
    }

    @Test("the valid samples and every referral bundle (JSON and XML) have no error and no warning",
          arguments: files("") + files("referrals").map { "referrals/" + $0 })
    func valid(_ name: String) throws {
        let outcome = Self.validator.validate(try SharedData.bytes(of: Self.folder.appendingPathComponent(name)))
        #expect(!outcome.hasErrors, "\(outcome.issues.filter(\.isError).map(\.description))")
        if name.hasPrefix("referrals/") {
            #expect(outcome.issues.isEmpty, "\(outcome.issues.map(\.description))")
        }
    }

    @Test("at least 12 referral bundles, each with an XML twin that reads into the same tree")
    func referralTwins() throws {
        let json = Self.files("referrals").filter { $0.hasSuffix(".json") }
        #expect(json.count >= 12)
        for name in json {
            let xmlName = String(name.dropLast(".json".count)) + ".xml"
            let fromJSON = Self.validator.validate(try SharedData.bytes(of: Self.folder.appendingPathComponent("referrals/" + name)))
            let fromXML = Self.validator.validate(try SharedData.bytes(of: Self.folder.appendingPathComponent("referrals/" + xmlName)))
            #expect(fromJSON.resource != nil && fromJSON.resource == fromXML.resource, "\(name)")
        }
    }
}
