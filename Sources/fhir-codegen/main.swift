import FHIRCodegen
import Foundation

/// `fhir-codegen <definitions-folder> [--output FILE] [--models-output DIR] [--search-output FILE]
///  [--catalogue-only | --models-only | --search-only]`
///
/// Reads an `hl7.fhir.r4.core` package folder and writes the generated sources: the type
/// catalogue (default `Sources/FHIRCore/Generated/R4CatalogueText.swift`) and the typed models,
/// one file per type (default `Sources/FHIRResources/Generated`, whose stale `.swift` files are
/// removed, since the folder holds nothing else), and the search parameters (default
/// `Sources/FHIRSearch/Generated/R4SearchParametersText.swift`).
let usage = """
    usage: fhir-codegen <hl7.fhir.r4.core folder> [--output Sources/FHIRCore/Generated/R4CatalogueText.swift]
                        [--models-output Sources/FHIRResources/Generated]
                        [--search-output Sources/FHIRSearch/Generated/R4SearchParametersText.swift]
                        [--catalogue-only | --models-only | --search-only]
    """
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.isEmpty || arguments.contains("--help") {
    print(usage)
    exit(arguments.isEmpty ? 2 : 0)
}

func option(_ name: String, default value: String) -> String {
    guard let flag = arguments.firstIndex(of: name), flag + 1 < arguments.count else { return value }
    return arguments[flag + 1]
}

let output = option("--output", default: "Sources/FHIRCore/Generated/R4CatalogueText.swift")
let modelsOutput = option("--models-output", default: "Sources/FHIRResources/Generated")
let searchOutput = option("--search-output", default: "Sources/FHIRSearch/Generated/R4SearchParametersText.swift")
let only = ["--catalogue-only", "--models-only", "--search-only"].filter(arguments.contains)
let writesCatalogue = only.isEmpty || only.contains("--catalogue-only")
let writesModels = only.isEmpty || only.contains("--models-only")
let writesSearch = only.isEmpty || only.contains("--search-only")

do {
    let package = try DefinitionsPackage(folder: URL(fileURLWithPath: arguments[0]))
    if writesCatalogue {
        let source = CatalogueGenerator(package: package).swiftSource()
        try source.write(toFile: output, atomically: true, encoding: .utf8)
        print("wrote \(output) (\(source.utf8.count) bytes)")
    }
    if writesSearch {
        let source = SearchParameterGenerator(package: package).swiftSource()
        try FileManager.default.createDirectory(
            atPath: (searchOutput as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try source.write(toFile: searchOutput, atomically: true, encoding: .utf8)
        print("wrote \(searchOutput) (\(source.utf8.count) bytes)")
    }
    if writesModels {
        let files = ModelGenerator(package: package).files()
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: modelsOutput, withIntermediateDirectories: true)
        let generatedNames = Set(files.map(\.name))
        for stale in try fileManager.contentsOfDirectory(atPath: modelsOutput)
        where stale.hasSuffix(".swift") && !generatedNames.contains(stale) {
            try fileManager.removeItem(atPath: modelsOutput + "/" + stale)
        }
        var bytes = 0
        for file in files {
            try file.contents.write(toFile: modelsOutput + "/" + file.name, atomically: true, encoding: .utf8)
            bytes += file.contents.utf8.count
        }
        print("wrote \(files.count) model files to \(modelsOutput) (\(bytes) bytes)")
    }
} catch {
    FileHandle.standardError.write(Data("fhir-codegen: \(error)\n".utf8))
    exit(1)
}
