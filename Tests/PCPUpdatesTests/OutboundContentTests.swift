import FHIRCore
import FHIRJSON
import FHIRValidation
import FHIRXML
import Foundation
import GatewayStore
import GatewayTestSupport
import IOPDomain
import PCPUpdates
import Testing

/// What leaves the program, judged from outside: no planted session text under any trigger or
/// profile, and every resource valid to our validator with the IOP's profiles, to a PyPI peer
/// (`fhir.resources`) and, as XML, to the official schema.
@Suite("What PCPs receive")
struct OutboundContentTests {
    static let profiles: [DeliveryProfile] = DeliveryProfile.allCases

    @Test("every trigger fires, and planted session text appears in no outbound message", arguments: profiles)
    func plantedTextNeverLeaves(profile: DeliveryProfile) throws {
        let (_, messages) = try EveryTriggerScenario.run(profile: profile)
        let triggers = Set(try messages.map { try UpdateFixture.text($0) }.compactMap { text in
            ["IOP referral accepted", "IOP progress summary", "IOP sessions moved by a platform outage", "Two IOP sessions missed in a row",
             "IOP medication change", "IOP crisis notice", "Stepped down from the IOP", "Discharged from the IOP"].first { text.hasPrefix($0) }
        })
        #expect(triggers.count == 8, "every trigger and the summary: \(triggers.sorted())")
        for message in messages {
            let readable = try UpdateFixture.readableText(message)
            #expect(!readable.contains(EveryTriggerScenario.planted), "planted text in a \(message.priority) message")
        }
    }

    @Test("every resource sent validates against R4 and the IOP profiles", arguments: profiles)
    func validatesWithOurValidator(profile: DeliveryProfile) throws {
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let validator = DocumentValidator(validator: FHIRValidator(registry: registry))
        let (_, messages) = try EveryTriggerScenario.run(profile: profile)
        #expect(!messages.isEmpty)
        for message in messages {
            let outcome = validator.validate([UInt8](message.payload))
            let problems = outcome.issues.filter { $0.severity == .error || $0.severity == .fatal || $0.severity == .warning }
            #expect(problems.isEmpty, "\(problems.map { "\($0.expression ?? ""): \($0.message)" })")
        }
    }

    static let xmllint: String? = ["/usr/bin/xmllint", "/usr/local/bin/xmllint"].first { FileManager.default.isExecutableFile(atPath: $0) }
    static let schema = SharedData.folder("fhir-r4/schemas")?.appendingPathComponent("fhir-single.xsd")

    @Test("as XML, every resource sent validates against the official schema",
          .enabled(if: xmllint != nil && schema != nil, "xmllint or ../shared/fhir-r4/schemas is absent: skipped"))
    func validatesAgainstXSD() throws {
        let folder = try Self.written { FHIRXMLWriter(pretty: true).write($0) }
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let (status, output) = try Self.run(Self.xmllint!, ["--noout", "--nonet", "--schema", Self.schema!.path] + folder.files)
        #expect(status == 0, "\(output.split(separator: "\n").filter { !$0.hasSuffix(" validates") }.prefix(20).joined(separator: "\n"))")
    }

    /// `IOP_TEST_PYTHON` (the venv `.ci/run` makes) or python3, when it can import fhir.resources.
    static let python: String? = {
        let candidates = [ProcessInfo.processInfo.environment["IOP_TEST_PYTHON"], "/usr/bin/python3", "/usr/local/bin/python3"]
            + [ProcessInfo.processInfo.environment["HOME"].map { $0 + "/.pyenv/shims/python3" }]
        return candidates.compactMap { $0 }.first { path in
            FileManager.default.isExecutableFile(atPath: path)
                && (try? run(path, ["-c", "import fhir.resources.R4B"]).0) == 0
        }
    }()

    @Test("every resource sent parses in fhir.resources (PyPI), a peer that checks R4 structure",
          .enabled(if: python != nil, "no python with fhir.resources (pip install fhir.resources): skipped"))
    func validatesWithPeer() throws {
        let folder = try Self.written { FHIRJSONWriter().write($0) }
        defer { try? FileManager.default.removeItem(at: folder.url) }
        let script = """
            import json, sys
            from fhir.resources.R4B import get_fhir_model_class
            failed = 0
            for path in sys.argv[1:]:
                data = json.load(open(path))
                try:
                    get_fhir_model_class(data["resourceType"]).model_validate(data)
                except Exception as error:
                    failed += 1
                    print(path, str(error)[:400])
            sys.exit(1 if failed else 0)
            """
        let (status, output) = try Self.run(Self.python!, ["-c", script] + folder.files)
        #expect(status == 0, "\(output.prefix(3000))")
    }

    static func run(_ executable: String, _ arguments: [String]) throws -> (Int32, String) {
        let outcome = try ExternalProgram(path: executable).runToEnd(arguments)
        return (outcome.status, outcome.output)
    }

    /// Every profile's scenario written out in one format.
    static func written(_ write: (FHIRElement) -> [UInt8]) throws -> (url: URL, files: [String]) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pcp-out-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: [String] = []
        for profile in profiles {
            for (index, message) in try EveryTriggerScenario.run(profile: profile).1.enumerated() {
                let tree = try #require(FHIRJSONReader().read([UInt8](message.payload)).resource)
                let path = folder.appendingPathComponent("\(profile.rawValue)-\(index).out").path
                try Data(write(tree)).write(to: URL(fileURLWithPath: path))
                files.append(path)
            }
        }
        return (folder, files)
    }

}
