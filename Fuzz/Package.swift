// swift-tools-version: 6.0
// libFuzzer harnesses for the gateway's parsers, built against the package one folder up with
// `swift build --package-path Fuzz -c release --sanitize=fuzzer -Xswiftc -sanitize=fuzzer,address` (run-fuzz.sh
// does it). Not part of the gateway's own build: each harness is a library-style executable whose
// `main` is libFuzzer's.
import PackageDescription

let harness: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    // libFuzzer supplies `main`; the harness only defines LLVMFuzzerTestOneInput.
    .unsafeFlags(["-parse-as-library"]),
]

func gateway(_ names: String...) -> [Target.Dependency] {
    names.map { .product(name: $0, package: "iop-fhir-gateway") }
}

let package = Package(
    name: "iop-fhir-gateway-fuzz",
    dependencies: [.package(name: "iop-fhir-gateway", path: "..")],
    targets: [
        .executableTarget(
            name: "JSONReaderFuzz", dependencies: gateway("FHIRCore", "FHIRJSON", "FHIRXML"),
            path: "Harnesses/JSONReaderFuzz", swiftSettings: harness),
        .executableTarget(
            name: "XMLReaderFuzz", dependencies: gateway("FHIRCore", "FHIRJSON", "FHIRXML"),
            path: "Harnesses/XMLReaderFuzz", swiftSettings: harness),
        .executableTarget(
            name: "NDJSONFuzz", dependencies: gateway("FHIRCore", "FHIRJSON", "GatewayImport"),
            path: "Harnesses/NDJSONFuzz", swiftSettings: harness),
        .executableTarget(
            name: "FHIRPathFuzz", dependencies: gateway("FHIRCore", "FHIRJSON", "FHIRPath"),
            path: "Harnesses/FHIRPathFuzz", swiftSettings: harness),
        .executableTarget(
            name: "SearchQueryFuzz", dependencies: gateway("FHIRCore", "FHIRSearch", "GatewayStore"),
            path: "Harnesses/SearchQueryFuzz", swiftSettings: harness),
        .executableTarget(
            name: "JWSFuzz", dependencies: gateway("GatewayCrypto"),
            path: "Harnesses/JWSFuzz", swiftSettings: harness),
    ]
)
