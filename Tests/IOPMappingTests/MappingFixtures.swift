import FHIRCore
import FHIRJSON
import Foundation
import GatewayTestSupport
import IOPMapping

/// Reading fixture files for the mapping tests.
enum MappingFixtures {
    static let referrals = SharedData.repositoryRoot.appendingPathComponent("SampleBundles/referrals")

    static func referralFiles() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: referrals.path)) ?? []
        return names.filter { $0.hasSuffix(".json") }.sorted()
    }

    static func element(at url: URL, mode: ReadMode = .strict) throws -> FHIRElement {
        let result = FHIRJSONReader(mode: mode).read(try SharedData.bytes(of: url))
        guard let resource = result.resource else {
            throw FixtureError(description: "\(url.lastPathComponent) does not read: \(result.issues.map(\.description))")
        }
        return resource
    }

    static func referral(_ prefix: String) throws -> MappingOutcome {
        guard let name = referralFiles().first(where: { $0.hasPrefix(prefix) }) else {
            throw FixtureError(description: "no referral bundle \(prefix)")
        }
        return FHIRInboundMapper().map(try element(at: referrals.appendingPathComponent(name)))
    }

    struct FixtureError: Error, CustomStringConvertible { let description: String }
}

extension MappingOutcome {
    /// The verdicts that are refusals, rendered for a failure message.
    var refusalSummary: String { issues.map(\.description).joined(separator: "\n") }
}
