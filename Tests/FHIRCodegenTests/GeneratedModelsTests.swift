import FHIRCodegen
import Foundation
import GatewayTestSupport
import Testing

/// The committed typed models are exactly what `fhir-codegen` makes today from the official
/// definitions: no file edited by hand, none missing, none left over.
@Suite("Generated models are up to date")
struct GeneratedModelsTests {
    @Test("Sources/FHIRResources/Generated matches a fresh generation",
          .enabled(if: SharedData.folder("fhir-r4/definitions") != nil, "../shared/fhir-r4/definitions is absent: skipped"))
    func modelsAreCurrent() throws {
        let package = try DefinitionsPackage(folder: SharedData.folder("fhir-r4/definitions")!)
        let generated = ModelGenerator(package: package).files()
        let folder = SharedData.repositoryRoot.appendingPathComponent("Sources/FHIRResources/Generated")
        let committedNames = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".swift") }.sorted()
        let regenerate = "run: swift run fhir-codegen ../shared/fhir-r4/definitions --models-only"
        #expect(committedNames == generated.map(\.name), "\(regenerate)")
        var differing: [String] = []
        for file in generated {
            let committed = try? String(contentsOf: folder.appendingPathComponent(file.name), encoding: .utf8)
            if committed != file.contents { differing.append(file.name) }
        }
        #expect(differing.isEmpty, "\(differing.count) generated files differ (\(differing.prefix(10).joined(separator: ", "))): \(regenerate)")
        #expect(generated.count >= 60)
    }

    @Test("the generator's choices: a nested struct per backbone, an enum per choice, renamed clashes",
          .enabled(if: SharedData.folder("fhir-r4/definitions") != nil, "../shared/fhir-r4/definitions is absent: skipped"))
    func generatedShapes() throws {
        let package = try DefinitionsPackage(folder: SharedData.folder("fhir-r4/definitions")!)
        let files = Dictionary(uniqueKeysWithValues: ModelGenerator(package: package).files().map { ($0.name, $0.contents) })
        let patient = try #require(files["Patient.swift"])
        #expect(patient.contains("public struct Contact: FHIRModel {"))
        #expect(patient.contains("public indirect enum DeceasedX: Sendable, Equatable {"))
        #expect(patient.contains("case dateTime(FHIRDateTime)"))
        // Range and Duration would shadow Swift's own types in every file importing FHIRResources.
        #expect(files["FHIRRange.swift"] != nil && files["Range.swift"] == nil)
        #expect(files["FHIRDuration.swift"] != nil)
        // Identifier.assigner → Reference.identifier → Identifier: boxed, or the struct could not exist.
        #expect(try #require(files["Identifier.swift"]).contains("@Indirect public var assigner: Reference?"))
        #expect(files["AnyResource.swift"]?.contains("case other(FHIRElement)") == true)
    }
}
