import FHIRCodegen
import Foundation

/// `fhir-codegen <definitions-folder> [--output FILE]`
///
/// Reads an `hl7.fhir.r4.core` package folder and writes the generated type catalogue source.
/// The default output is the committed file under `Sources/FHIRCore/Generated`.
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") {
    print("usage: fhir-codegen <hl7.fhir.r4.core folder> [--output Sources/FHIRCore/Generated/R4CatalogueText.swift]")
    exit(arguments.isEmpty ? 2 : 0)
}
var output = "Sources/FHIRCore/Generated/R4CatalogueText.swift"
if let flag = arguments.firstIndex(of: "--output"), flag + 1 < arguments.count {
    output = arguments[flag + 1]
}
do {
    let package = try DefinitionsPackage(folder: URL(fileURLWithPath: arguments[0]))
    let source = CatalogueGenerator(package: package).swiftSource()
    try source.write(toFile: output, atomically: true, encoding: .utf8)
    print("wrote \(output) (\(source.utf8.count) bytes)")
} catch {
    FileHandle.standardError.write(Data("fhir-codegen: \(error)\n".utf8))
    exit(1)
}
