import Foundation
import GatewayImport
import Testing

/// The importer's input side: which files it finds, and NDJSON read line by line in constant memory.
@Suite("Import input")
struct ImportInputTests {
    private func temporaryFolder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("import-input-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test("folders are walked recursively, in a stable order, skipping hidden files and outcome reports")
    func discovery() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        try FileManager.default.createDirectory(at: root.appendingPathComponent("b/c"), withIntermediateDirectories: true)
        for name in ["b/c/z.json", "a.xml", "b/y.ndjson", "b/x.jsonl", ".hidden.json", "a.outcome.json", "notes.txt"] {
            try Data("{}".utf8).write(to: root.appendingPathComponent(name))
        }
        let found = try ImportSource.discover([root.path])
        #expect(found.map { $0.url.path.replacingOccurrences(of: root.path + "/", with: "") } == ["a.xml", "b/c/z.json", "b/x.jsonl", "b/y.ndjson"])
        #expect(found.map(\.kind) == [.document, .document, .ndjson, .ndjson])
        #expect(throws: ImportError.self) { try ImportSource.discover([root.appendingPathComponent("missing").path]) }
        #expect(throws: ImportError.self) { try ImportSource.discover([root.appendingPathComponent("notes.txt").path]) }
    }

    @Test("NDJSON lines: blank lines skipped, CRLF trimmed, no final newline needed, offsets resume")
    func lines() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("r.ndjson")
        try Data("{\"a\":1}\r\n\n  \n{\"b\":2}\n{\"c\":3}".utf8).write(to: file)
        var reader = try NDJSONLines(url: file)
        #expect(try reader.next().map { String(decoding: $0, as: UTF8.self) } == #"{"a":1}"#)
        let resumeOffset = reader.offset
        let resumeLine = reader.lineNumber
        #expect(try reader.next().map { String(decoding: $0, as: UTF8.self) } == #"{"b":2}"#)
        #expect(reader.lineNumber == 4)
        #expect(try reader.next().map { String(decoding: $0, as: UTF8.self) } == #"{"c":3}"#)
        #expect(try reader.next() == nil)

        var resumed = try NDJSONLines(url: file, startingAt: resumeOffset, lineNumber: resumeLine)
        #expect(try resumed.next().map { String(decoding: $0, as: UTF8.self) } == #"{"b":2}"#)
        #expect(resumed.lineNumber == 4)
    }

    @Test("a line longer than the limit is refused with its number, not read into memory")
    func longLine() throws {
        let root = try temporaryFolder()
        defer { try? FileManager.default.removeItem(at: root) }
        let file = root.appendingPathComponent("long.ndjson")
        try Data(("{}\n" + String(repeating: "x", count: 3 << 20)).utf8).write(to: file)
        var reader = try NDJSONLines(url: file, maxLineBytes: 1 << 20)
        #expect(try reader.next() != nil)
        #expect(throws: ImportError.self) { try reader.next() }
    }

    @Test("progress: plain periodic lines when not on a terminal, a bar redrawn in place on one")
    func progress() {
        let lines = Captured()
        let plain = ImportProgress(isTerminal: false) { lines.append($0) }
        var counts = ImportCounts()
        counts.filesTotal = 4
        counts.filesDone = 1
        counts.resources = 10
        counts.bytesTotal = 100
        counts.bytes = 25
        plain.update(counts, force: true)
        #expect(lines.text.hasPrefix("import: 1/4 files, 10 resources"))
        #expect(lines.text.hasSuffix("\n"))

        let bar = Captured()
        let terminal = ImportProgress(isTerminal: true) { bar.append($0) }
        terminal.update(counts, force: true)
        #expect(bar.text.hasPrefix("\r[######"))
        #expect(bar.text.contains("25%"))
    }
}

/// Collects what a progress reporter writes.
final class Captured: @unchecked Sendable {
    // Written and read on the test's own thread only.
    private(set) var text = ""
    func append(_ piece: String) { text += piece }
}
