import FHIRCore
import Foundation
import GatewayCrypto
import GatewayIntake
import GatewayStore

/// NDJSON: one resource a line, read through a fixed buffer and written in units of
/// `linesPerUnit` lines. Each unit records in the ledger, in the same transaction, the byte
/// offset and line the file has reached, so a killed run resumes exactly where its last
/// committed unit ended.
extension Importer {
    /// How far an NDJSON file got, kept as the ledger entry's report while it is not complete.
    struct StreamProgress: Codable {
        var offset: UInt64 = 0
        var line = 0
        var written = 0
        var refused = 0
        var complete = false
    }

    func importStream(_ source: ImportSource, report: inout ImportReport, progress: ImportProgress?) async throws {
        let size = Self.size(of: source.url)
        let hash = try Self.hashFile(source.url)
        var state = StreamProgress()
        if let store, let entry = try await store.readAsync({ try $0.ledgerEntry(hash: hash) }) {
            guard let saved = try? JSONDecoder().decode(StreamProgress.self, from: entry.report), !saved.complete else {
                report.counts.filesDone += 1
                report.counts.filesSkipped += 1
                report.counts.bytes += size
                return
            }
            state = saved
        }
        let path = source.url.path
        var lines = try NDJSONLines(url: source.url, startingAt: state.offset, lineNumber: state.line)
        var unit: [Intake.Prepared] = []
        var refusedInUnit = 0
        var keptForFile = 0
        var reachedEnd = false
        let bytesBefore = report.counts.bytes

        while !reachedEnd {
            if stopRequested { break }
            if let line = try lines.next() {
                let lineNumber = lines.lineNumber
                switch intake.prepare(line, idSeed: "\(hash):\(lineNumber)") {
                case .success(let prepared):
                    unit.append(prepared)
                case .failure(let list):
                    refusedInUnit += 1
                    let issues = list.issues.map { Self.onLine($0, lineNumber) }
                    if keptForFile < options.refusedLinesKept {
                        keptForFile += 1
                        report.refusals.append(.init(path: path, line: lineNumber, issues: issues))
                        try quarantineLine(line, of: source.url, number: lineNumber, issues: issues)
                    } else {
                        report.refusalsNotKept += 1
                    }
                }
                if unit.count + refusedInUnit < options.linesPerUnit { continue }
            } else {
                reachedEnd = true
            }
            // Commit the unit with the position it reached.
            state.offset = lines.offset
            state.line = lines.lineNumber
            state.written += unit.count
            state.refused += refusedInUnit
            state.complete = reachedEnd
            let committedUnit = unit
            let snapshot = state
            if let store {
                let status: ImportLedgerEntry.Status = !snapshot.complete || snapshot.refused > 0
                    ? (snapshot.written == 0 && snapshot.complete ? .refused : .partial) : .imported
                try await store.writeAsync { transaction in
                    for prepared in committedUnit { try Intake.commit(prepared, in: transaction) }
                    try transaction.recordImport(
                        hash: hash, path: path, status: status,
                        counts: .init(read: snapshot.written + snapshot.refused, written: snapshot.written, refused: snapshot.refused),
                        report: try JSONEncoder().encode(snapshot))
                    if snapshot.complete {
                        _ = try transaction.appendAudit(AuditEvent(
                            time: transaction.now, actor: "import", action: "import-ndjson", outcome: status.rawValue,
                            detail: "\(snapshot.written) resources, \(snapshot.refused) lines refused"))
                    }
                }
            }
            report.counts.resources += committedUnit.count
            report.counts.bytes = bytesBefore + lines.offset
            unit.removeAll(keepingCapacity: true)
            refusedInUnit = 0
            progress?.update(report.counts)
        }
        report.counts.filesDone += 1
        report.counts.bytes = bytesBefore + size
        if state.complete {
            if state.written > 0 { report.counts.filesImported += 1 } else { report.counts.filesRefused += 1 }
        }
    }

    /// A line's issues located in the NDJSON file: the line is the file's, the column the line's.
    static func onLine(_ issue: Issue, _ line: Int) -> Issue {
        var located = issue
        located.location = SourceLocation(line: line, column: issue.location?.column ?? 1)
        return located
    }

    /// The refused line goes to `<name>.refused.ndjson`, its outcome beside it.
    private func quarantineLine(_ line: [UInt8], of file: URL, number: Int, issues: [Issue]) throws {
        guard let folder = options.quarantine else { return }
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let stem = (file.lastPathComponent as NSString).deletingPathExtension
        let target = folder.appendingPathComponent(stem + ".refused.ndjson")
        if !FileManager.default.fileExists(atPath: target.path),
           !FileManager.default.createFile(atPath: target.path, contents: nil) {
            throw ImportError.unreadable(target.path)
        }
        let handle = try FileHandle(forWritingTo: target)
        defer { try? handle.close() }
        try handle.seekToEnd()
        try handle.write(contentsOf: Data(line + [0x0A]))
        try quarantine(file, issues: issues, suffix: ".line-\(number)")
    }

    /// SHA-256 of a file of any size, read in 1 MiB pieces.
    static func hashFile(_ url: URL) throws(ImportError) -> String {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw ImportError.unreadable(url.path) }
        defer { try? handle.close() }
        var hasher = SHA256Hasher()
        while true {
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch { throw ImportError.unreadable(url.path) }
            guard let chunk, !chunk.isEmpty else { break }
            hasher.update(chunk)
        }
        return hasher.finish().hex
    }
}
