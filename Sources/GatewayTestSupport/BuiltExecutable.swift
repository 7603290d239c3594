import Foundation

/// The executables `swift build --build-tests` puts beside the test binary, for tests that drive
/// the gateway as a real process (a kill -9 in the middle of an import, a server on loopback).
public enum BuiltExecutable {
    public static func url(named name: String) -> URL? {
        let testBinary = URL(fileURLWithPath: CommandLine.arguments.first ?? "")
        var candidates = [testBinary.deletingLastPathComponent().appendingPathComponent(name)]
        // An .xctest bundle directory sits in the products folder too.
        candidates.append(testBinary.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent(name))
        for configuration in ["debug", "release"] {
            candidates.append(SharedData.repositoryRoot.appendingPathComponent(".build/\(configuration)/\(name)"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    public static let absentMessage = "the fhir-gateway executable was not built beside the tests: skipped"
}
