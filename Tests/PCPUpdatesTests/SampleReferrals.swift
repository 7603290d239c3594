import FHIRValidation
import Foundation
import GatewayIntake
import GatewayStore
import GatewayTestSupport
import IOPMapping

/// Every `SampleBundles/referrals` JSON bundle through the real intake (validated against the
/// IOP's profiles, mapped, committed with the PCP updates it causes): as they are, or re-written
/// through `adjust` (which loses nothing the samples hold, but JSON's own spelling).
enum SampleReferrals {
    static func importAll(into store: any GatewayStore, adjust: ((inout [String: Any]) -> Void)? = nil) throws {
        let registry = try ProfileRegistry(folder: SharedData.repositoryRoot.appendingPathComponent("Profiles"))
        let intake = Intake(validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
                            context: MappingContext.store(store))
        let referrals = try FileManager.default.contentsOfDirectory(
            at: SharedData.repositoryRoot.appendingPathComponent("SampleBundles/referrals"), includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in referrals {
            var bytes = try SharedData.bytes(of: file)
            if let adjust {
                var bundle = try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
                adjust(&bundle)
                bytes = [UInt8](try JSONSerialization.data(withJSONObject: bundle))
            }
            let prepared = try intake.prepare(bytes, idSeed: file.lastPathComponent).get()
            _ = try store.write { try Intake.commit(prepared, in: $0) }
        }
    }
}
