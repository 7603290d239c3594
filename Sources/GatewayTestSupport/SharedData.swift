import Foundation

/// Locates `../shared` (the official R4 package, examples, test cases and Synthea data) beside
/// the checkout. Tests that need it skip with a clear message where it is absent.
public enum SharedData {
    /// The repository root, found from this file's path.
    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// `../shared`, or `nil` when this machine does not have it.
    public static let root: URL? = {
        let candidate = repositoryRoot.deletingLastPathComponent().appendingPathComponent("shared")
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDirectory) && isDirectory.boolValue
            ? candidate : nil
    }()

    public static let absentMessage = "../shared is not present beside the checkout: skipped"

    /// A folder under `../shared`, when present.
    public static func folder(_ relativePath: String) -> URL? {
        guard let folder = root?.appendingPathComponent(relativePath) else { return nil }
        return FileManager.default.fileExists(atPath: folder.path) ? folder : nil
    }

    /// The files in a folder under `../shared` with an extension, sorted; empty when absent.
    public static func files(in relativePath: String, withExtension fileExtension: String) -> [URL] {
        guard let folder = folder(relativePath),
              let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return names.filter { $0.hasSuffix("." + fileExtension) }.sorted().map { folder.appendingPathComponent($0) }
    }

    public static func bytes(of url: URL) throws -> [UInt8] {
        Array(try Data(contentsOf: url))
    }
}
