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

    /// Resources that others refer to come first (practices and clinicians, then patients), so
    /// a MedicationRequest line finds its Patient already stored: bulk-data exports put each type
    /// in its own NDJSON file, and their names sort Patient after MedicationRequest. Within a
    /// rank the discovery order is kept, so every run meets the files in the same order.
    public static func orderedForReferences(_ sources: [ImportSource]) -> [ImportSource] {
        // Each file is peeked once, not once per comparison.
        let ranks = sources.map { referenceRank(ofType: firstResourceType(of: $0.url)) }
        return sources.indices
            .sorted { (ranks[$0], $0) < (ranks[$1], $1) }
            .map { sources[$0] }
    }

    /// Where a resource type stands in that order: referenced types first, everything else last.
    public static func referenceRank(ofType type: String?) -> Int {
        switch type {
        case "Organization": 0
        case "Location": 1
        case "Practitioner": 2
        case "PractitionerRole": 3
        case "Patient": 4
        default: 5
        }
    }

    /// The `resourceType` of the first resource in the file, read from its first 4 KiB.
    static func firstResourceType(of url: URL) -> String? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        guard let head = try? handle.read(upToCount: 4096) else { return nil }
        let text = String(decoding: head, as: UTF8.self)
        if let match = text.firstMatch(of: /"resourceType"\s*:\s*"(\w+)"/) { return String(match.1) }
        if let match = text.firstMatch(of: /<(\w+)\s+xmlns="http:\/\/hl7\.org\/fhir"/) { return String(match.1) }
        return nil
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
