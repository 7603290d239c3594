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
        /// Lines held for identity review.
        var held = 0
        var complete = false

        init() {}

        // `held` is new in store version 4: progress saved by an earlier version has none.
        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            offset = try container.decode(UInt64.self, forKey: .offset)
            line = try container.decode(Int.self, forKey: .line)
            written = try container.decode(Int.self, forKey: .written)
            refused = try container.decode(Int.self, forKey: .refused)
            held = try container.decodeIfPresent(Int.self, forKey: .held) ?? 0
            complete = try container.decode(Bool.self, forKey: .complete)
        }

        var ledgerStatus: ImportLedgerEntry.Status {
            guard complete else { return .partial }
            if refused == 0 && held == 0 { return .imported }
            return written == 0 && held == 0 ? .refused : .partial
        }
    }

    /// A line ready to be written, with where the file stands just past it.
    struct PreparedLine: Sendable {
        let prepared: Intake.Prepared
        let bytes: [UInt8]
        let number: Int
        let offsetAfter: UInt64
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
        var unit: [PreparedLine] = []
        var refusedInUnit = 0
        var keptForFile = 0
        var reachedEnd = false
        let bytesBefore = report.counts.bytes

        while !reachedEnd {
            if stopRequested { break }
            let writtenBefore = state.written
            if let line = try lines.next() {
                let lineNumber = lines.lineNumber
                switch intake.prepare(line, idSeed: "\(hash):\(lineNumber)") {
                case .success(let prepared):
                    unit.append(PreparedLine(prepared: prepared, bytes: line, number: lineNumber, offsetAfter: lines.offset))
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
            state.refused += refusedInUnit
            state.complete = reachedEnd
            let committedUnit = unit
            if let store {
                var next = state
                next.written += unit.count
                let snapshot = next
                let policy = intake.identityPolicy
                do {
                    try await store.writeAsync { transaction in
                        for line in committedUnit { try Intake.commit(line.prepared, policy: policy, in: transaction) }
                        try Self.recordProgress(snapshot, hash: hash, path: path, in: transaction)
                    }
                    state = snapshot
                } catch {
                    // One line's conflict or failed write rolled the unit back: each line again
                    // in a unit of its own, so it alone is held or refused.
                    try await importOneByOne(committedUnit, state: &state, hash: hash, path: path, report: &report)
                }
            } else {
                state.written += unit.count
            }
            report.counts.resources += state.written - writtenBefore
            report.counts.bytes = bytesBefore + lines.offset
            unit.removeAll(keepingCapacity: true)
            refusedInUnit = 0
            progress?.update(report.counts)
        }
        report.counts.filesDone += 1
        report.counts.bytes = bytesBefore + size
        if state.complete {
            if state.written > 0 || state.held > 0 { report.counts.filesImported += 1 } else { report.counts.filesRefused += 1 }
        }
    }

    /// The ledger entry of a file in progress (and its audit event once complete), in the unit
    /// of work that wrote the lines it counts.
    static func recordProgress(_ state: StreamProgress, hash: String, path: String, in transaction: any StoreTransaction) throws {
        let status = state.ledgerStatus
        try transaction.recordImport(
            hash: hash, path: path, status: status,
            counts: .init(read: state.written + state.refused + state.held, written: state.written, refused: state.refused),
            report: try JSONEncoder().encode(state))
        if state.complete {
            _ = try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: "import", action: "import-ndjson", outcome: status.rawValue,
                detail: "\(state.written) resources, \(state.refused) lines refused, \(state.held) lines held"))
        }
    }

    /// Writes each line of a unit in a unit of work of its own, with the file's progress just
    /// past it, so a held or refused line touches no other line and a killed run resumes after
    /// the last line done. The end of the unit (and any refused lines after its last prepared
    /// one) is recorded last. `state` comes in with the unit's end position.
    private func importOneByOne(
        _ unit: [PreparedLine], state: inout StreamProgress, hash: String, path: String, report: inout ImportReport
    ) async throws {
        guard let store else { return }
        let end = state
        var progress = state
        let policy = intake.identityPolicy
        for line in unit {
            progress.offset = line.offsetAfter
            progress.line = line.number
            progress.complete = false
            var written = progress
            written.written += 1
            do {
                let snapshot = written
                try await store.writeAsync { transaction in
                    try Intake.commit(line.prepared, policy: policy, in: transaction)
                    try Self.recordProgress(snapshot, hash: hash, path: path, in: transaction)
                }
                progress = written
            } catch let hold as IdentityHold {
                progress.held += 1
                let snapshot = progress
                let held = try await store.writeAsync { transaction in
                    let held = try IdentityReview.hold(
                        hold, input: line.bytes, idSeed: "\(hash):\(line.number)", origin: "\(path)#\(line.number)", in: transaction)
                    try Self.recordProgress(snapshot, hash: hash, path: path, in: transaction)
                    return held
                }
                report.held.append(.init(path: path, line: line.number, heldID: held.id, issues: [Self.onLine(hold.issue, line.number)]))
            } catch where !Self.isStoreFailure(error) {
                progress.refused += 1
                let snapshot = progress
                try await store.writeAsync { try Self.recordProgress(snapshot, hash: hash, path: path, in: $0) }
                report.refusals.append(.init(path: path, line: line.number, issues: [Self.onLine(Self.issue(for: error), line.number)]))
            }
        }
        progress.offset = end.offset
        progress.line = end.line
        progress.complete = end.complete
        let snapshot = progress
        try await store.writeAsync { try Self.recordProgress(snapshot, hash: hash, path: path, in: $0) }
        state = progress
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
        try PrivateFile.createFolder(folder.path)
        let stem = (file.lastPathComponent as NSString).deletingPathExtension
        let target = folder.appendingPathComponent(stem + ".refused.ndjson")
        do { try PrivateFile.createIfAbsent(target.path) } catch { throw ImportError.unreadable(target.path) }
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
