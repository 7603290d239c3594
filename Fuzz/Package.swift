// swift-tools-version: 6.0
// libFuzzer harnesses for the gateway's parsers, built against the package one folder up with
// `swift build --package-path Fuzz -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address` (run-fuzz.sh
// does it). Not part of the gateway's own build: each harness is a library-style executable whose
// `main` is libFuzzer's.
import PackageDescription

let harnessSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // libFuzzer supplies `main`; the harness only defines LLVMFuzzerTestOneInput.
    .unsafeFlags(["-parse-as-library"]),
]

/// A harness: `Harnesses/<name>/main.swift` against the gateway's library products `products`.
func harness(_ name: String, _ products: String...) -> Target {
    .executableTarget(
        name: name, dependencies: products.map { .product(name: $0, package: "iop-fhir-gateway") },
        path: "Harnesses/\(name)", swiftSettings: harnessSettings)
}

let package = Package(
    name: "iop-fhir-gateway-fuzz",
    dependencies: [.package(name: "iop-fhir-gateway", path: "..")],
    targets: [
        harness("JSONReaderFuzz", "FHIRCore", "FHIRJSON", "FHIRXML"),
        harness("XMLReaderFuzz", "FHIRCore", "FHIRJSON", "FHIRXML"),
        harness("NDJSONFuzz", "FHIRCore", "FHIRJSON", "GatewayImport"),
        harness("FHIRPathFuzz", "FHIRCore", "FHIRJSON", "FHIRPath"),
        harness("SearchQueryFuzz", "FHIRCore", "FHIRSearch", "GatewayStore"),
        harness("JWSFuzz", "GatewayCrypto"),
    ]
)
