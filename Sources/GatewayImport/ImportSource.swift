import Foundation

/// A file the importer will read, with how to read it.
public struct ImportSource: Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        /// One resource (often a Bundle) in JSON or XML: validated, mapped and stored all-or-nothing.
        case document
        /// NDJSON (bulk data): one resource a line, streamed in constant memory.
        case ndjson
    }

    public let url: URL
    public let kind: Kind

    /// The files under the given paths, recursively, in a stable order (so a resumed run meets
    /// them in the same order): `.json` and `.xml` documents, `.ndjson`/`.jsonl` streams. Hidden
    /// files and folders, and `.outcome.json` reports written beside quarantined files, are skipped.
    public static func discover(_ paths: [String]) throws(ImportError) -> [ImportSource] {
        var sources: [ImportSource] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ImportError.pathNotFound(path)
            }
            let url = URL(fileURLWithPath: path)
            if !isDirectory.boolValue {
                guard let source = source(for: url) else { throw ImportError.unsupportedFile(path) }
                sources.append(source)
                continue
            }
            let enumerator = FileManager.default.enumerator(
                at: url, includingPropertiesForKeys: [.isRegularFileKey], options: [.skipsHiddenFiles])
            var found: [ImportSource] = []
            while let next = enumerator?.nextObject() as? URL {
                if let source = source(for: next) { found.append(source) }
            }
            sources += found.sorted { $0.url.path < $1.url.path }
        }
        return sources
    }

    private static func source(for url: URL) -> ImportSource? {
        let name = url.lastPathComponent.lowercased()
        if name.hasSuffix(".outcome.json") { return nil }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            return nil
        }
        if name.hasSuffix(".ndjson") || name.hasSuffix(".jsonl") { return ImportSource(url: url, kind: .ndjson) }
        if name.hasSuffix(".json") || name.hasSuffix(".xml") { return ImportSource(url: url, kind: .document) }
        return nil
    }
}

/// Why an import could not start or go on; per-file problems are OperationOutcomes in the report.
public enum ImportError: Error, Sendable, CustomStringConvertible {
    case pathNotFound(String)
    case unsupportedFile(String)
    case unreadable(String)
    case lineTooLong(file: String, line: Int)

    public var description: String {
        switch self {
        case .pathNotFound(let path): "no such file or folder: \(path)"
        case .unsupportedFile(let path): "not a .json, .xml, .ndjson or .jsonl file: \(path)"
        case .unreadable(let path): "cannot read \(path)"
        case .lineTooLong(let file, let line): "\(file) line \(line) is longer than the document limit"
        }
    }
}
