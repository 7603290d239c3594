// swift-tools-version: 6.0
// The IOP FHIR gateway. No package dependencies: the toolchain and Debian's C libraries only.
import PackageDescription

/// Every target is compiled in language mode 6 with existential `any` spelled out.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "iop-fhir-gateway",
    products: [
        .executable(name: "fhir-gateway", targets: ["fhir-gateway"]),
        .executable(name: "fhir-codegen", targets: ["fhir-codegen"]),
        .executable(name: "gateway-bench", targets: ["gateway-bench"]),
        .library(name: "FHIRCore", targets: ["FHIRCore"]),
        .library(name: "FHIRJSON", targets: ["FHIRJSON"]),
        .library(name: "FHIRXML", targets: ["FHIRXML"]),
    ],
    targets: [
        // Type catalogue (generated), element tree, primitives, issues.
        .target(name: "FHIRCore", swiftSettings: strictSettings),
        // JSON reader and writer over bytes.
        .target(name: "FHIRJSON", dependencies: ["FHIRCore"], swiftSettings: strictSettings),
        // libxml2, imported only by FHIRXML; shim.h keeps libxml2's ICU away from Foundation's.
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        // XML reader (libxml2 SAX2) and writer.
        .target(name: "FHIRXML", dependencies: ["FHIRCore", "CLibXML2"], swiftSettings: strictSettings),
        // Reads an hl7.fhir.r4.core package and renders the catalogue; a library so tests can call it.
        .target(name: "FHIRCodegen", swiftSettings: strictSettings),
        .executableTarget(name: "fhir-codegen", dependencies: ["FHIRCodegen"], swiftSettings: strictSettings),
        .executableTarget(
            name: "fhir-gateway", dependencies: ["FHIRCore", "FHIRJSON", "FHIRXML"], swiftSettings: strictSettings),
        .executableTarget(
            name: "gateway-bench", dependencies: ["FHIRCore", "FHIRJSON", "FHIRXML", "CLibXML2"],
            swiftSettings: strictSettings),
        // Helpers shared by the test targets: fixture discovery, a generic JSON comparison.
        .target(name: "GatewayTestSupport", dependencies: ["FHIRCore"], swiftSettings: strictSettings),

        .testTarget(
            name: "FHIRCoreTests", dependencies: ["FHIRCore", "GatewayTestSupport"],
            swiftSettings: strictSettings),
        .testTarget(
            name: "FHIRJSONTests", dependencies: ["FHIRCore", "FHIRJSON", "GatewayTestSupport"],
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "FHIRXMLTests", dependencies: ["FHIRCore", "FHIRJSON", "FHIRXML", "GatewayTestSupport"],
            resources: [.copy("Fixtures")], swiftSettings: strictSettings),
        .testTarget(
            name: "FHIRCodegenTests", dependencies: ["FHIRCodegen", "GatewayTestSupport"],
            swiftSettings: strictSettings),
    ],
    swiftLanguageModes: [.v6]
)
