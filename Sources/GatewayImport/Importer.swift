import FHIRCore
import Foundation
import GatewayCrypto
import GatewayIntake
import GatewayStore
import Synchronization

/// `fhir-gateway import`: every file through the intake, each Bundle (or single resource)
/// validated, mapped and stored all-or-nothing, NDJSON line by line in units that also record
/// how far the file got. The import ledger, keyed by content hash, is written in the same unit
/// of work as what it records, so a second run imports nothing already imported and a run
/// killed at any point (even with SIGKILL) resumes to the state an uninterrupted run reaches.
public final class Importer: Sendable {
    let intake: Intake
    /// `nil` for a dry run.
    let store: (any GatewayStore)?
    let options: ImportOptions
    let stop = Atomic<Bool>(false)

    public init(intake: Intake, store: (any GatewayStore)?, options: ImportOptions) {
        self.intake = intake
        self.store = options.dryRun ? nil : store
        self.options = options
    }

    /// Asks the run to stop after the unit of work in progress (Ctrl-C).
    public func requestStop() {
        stop.store(true, ordering: .relaxed)
    }

    var stopRequested: Bool { stop.load(ordering: .relaxed) }

    /// Imports every source; one input's refusal or hold never stops the run or touches another
    /// input. Returns the report also when the store fails as a whole (`ImportReport.failure`).
    public func run(_ sources: [ImportSource], progress: ImportProgress? = nil) async -> ImportReport {
        var report = ImportReport()
        report.counts.filesTotal = sources.count
        report.counts.bytesTotal = sources.reduce(0) { $0 + Self.size(of: $1.url) }
        let documents = ImportSource.orderedForReferences(sources.filter { $0.kind == .document })
        let streams = ImportSource.orderedForReferences(sources.filter { $0.kind == .ndjson })

        // Documents: prepared `jobs` at a time, written one at a time in discovery order; the
        // next batch is prepared while this one is written, so reading, validating, mapping and
        // indexing (all cores) overlap the serial unit of work instead of alternating with it.
        let batches = stride(from: 0, to: documents.count, by: max(1, options.jobs)).map {
            Array(documents[$0..<min($0 + max(1, options.jobs), documents.count)])
        }
        var upcoming = batches.first.map { batch in Task { await self.prepareDocuments(batch) } }
        defer { upcoming?.cancel() }
        do {
            for position in batches.indices {
                guard let current = upcoming, !stopRequested else { break }
                let prepared = await current.value
                upcoming = position + 1 < batches.count
                    ? Task { [batch = batches[position + 1]] in await self.prepareDocuments(batch) } : nil
                for item in prepared {
                    if stopRequested { break }
                    try await finish(item, report: &report)
                    progress?.update(report.counts)
                }
            }

            for source in streams where !stopRequested {
                try await importStream(source, report: &report, progress: progress)
            }
        } catch {
            // Only what stops every input (the store itself failing, an unreadable quarantine
            // folder) ends here; the report says so and keeps what was done.
            report.failure = Self.failureText(error)
        }
        report.interrupted = stopRequested
        progress?.update(report.counts, force: true)
        progress?.finish()
        return report
    }

    // MARK: Documents

    struct PreparedDocument: Sendable {
        let source: ImportSource
        let bytes: Int
        let hash: String
        let alreadyImported: Bool
        let result: Result<Intake.Prepared, IssueList>?
    }

    private func prepareDocuments(_ sources: [ImportSource]) async -> [PreparedDocument] {
        await withTaskGroup(of: (Int, PreparedDocument).self) { group in
            for (position, source) in sources.enumerated() {
                group.addTask { (position, self.prepareDocument(source)) }
            }
            var results: [(Int, PreparedDocument)] = []
            for await result in group { results.append(result) }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    private func prepareDocument(_ source: ImportSource) -> PreparedDocument {
        guard let data = FileManager.default.contents(atPath: source.url.path) else {
            return PreparedDocument(source: source, bytes: 0, hash: "", alreadyImported: false,
                                    result: .failure(IssueList([Issue(.fatal, .notFound, "the file cannot be read")])))
        }
        let bytes = Array(data)
        let hash = SHA256Digest.hash(bytes).hex
        if let store, (try? store.read({ try $0.ledgerEntry(hash: hash) })) != nil {
            return PreparedDocument(source: source, bytes: bytes.count, hash: hash, alreadyImported: true, result: nil)
        }
        return PreparedDocument(source: source, bytes: bytes.count, hash: hash, alreadyImported: false,
                                result: intake.prepare(bytes, idSeed: hash))
    }

    private func finish(_ item: PreparedDocument, report: inout ImportReport) async throws {
        report.counts.filesDone += 1
        report.counts.bytes += UInt64(item.bytes)
        if item.alreadyImported {
            report.counts.filesSkipped += 1
            return
        }
        let path = item.source.url.path
        // A copy of a file written since this one was prepared (the ledger was read then) is
        // done already: the same content imports once.
        if let store, try await store.readAsync({ try $0.ledgerEntry(hash: item.hash) }) != nil {
            report.counts.filesSkipped += 1
            return
        }
        switch item.result {
        case .success(let prepared):
            if let store {
                let hash = item.hash
                let count = prepared.resourceCount
                let policy = intake.identityPolicy
                do {
                    try await store.writeAsync { transaction in
                        try Intake.commit(prepared, policy: policy, in: transaction)
                        try transaction.recordImport(
                            hash: hash, path: path, status: .imported,
                            counts: .init(read: count, written: count, refused: 0), report: Data("{}".utf8))
                        _ = try transaction.appendAudit(AuditEvent(
                            time: transaction.now, actor: "import", action: "import", outcome: "imported",
                            detail: "\(count) resources"))
                    }
                } catch let hold as IdentityHold {
                    // Not recorded in the ledger: a run after the decision finds it processed,
                    // a run before it holds it again (the same held id, so nothing doubles).
                    let bytes = try Self.bytes(of: item.source.url)
                    let held = try await store.writeAsync { transaction in
                        try IdentityReview.hold(hold, input: bytes, idSeed: hash, origin: path, contentHash: hash, in: transaction)
                    }
                    report.held.append(.init(path: path, line: nil, heldID: held.id, issues: [hold.issue]))
                    return
                } catch where !Self.isStoreFailure(error) {
                    try await refuse(item, issues: [Self.issue(for: error)], report: &report)
                    return
                }
            }
            report.counts.filesImported += 1
            report.counts.resources += prepared.resourceCount
        case .failure(let list):
            try await refuse(item, issues: list.issues, report: &report)
        case nil:
            break
        }
    }

    /// Records a refused file: in the report, the quarantine and the ledger (so a re-run skips it).
    private func refuse(_ item: PreparedDocument, issues: [Issue], report: inout ImportReport) async throws {
        let path = item.source.url.path
        report.counts.filesRefused += 1
        report.refusals.append(.init(path: path, line: nil, issues: issues))
        try quarantine(item.source.url, issues: issues)
        if let store, !item.hash.isEmpty {
            let hash = item.hash
            let outcome = Data(FHIRJSONWriterBridge.outcome(issues))
            try await store.writeAsync { transaction in
                try transaction.recordImport(
                    hash: hash, path: path, status: .refused, counts: .init(read: 1, written: 0, refused: 1),
                    report: outcome)
                _ = try transaction.appendAudit(AuditEvent(
                    time: transaction.now, actor: "import", action: "import", outcome: "refused"))
            }
        }
    }

    /// The issue for a write the input caused to fail: what the intake said, or only the kind of
    /// failure (a store error's own words could carry bound values).
    static func issue(for error: any Error) -> Issue {
        switch error {
        case let error as IntakeError: error.issue
        default: Issue(.error, .exception, "the store could not write this input; nothing of it was written")
        }
    }

    /// A failure of the store rather than of the input (busy past its timeout, damaged): it would
    /// refuse every input alike, so the run stops (`ImportReport.failure`) and a later run goes on
    /// from what was committed, instead of recording good inputs as refused.
    static func isStoreFailure(_ error: any Error) -> Bool {
        switch error {
        case StoreError.busy, StoreError.corrupt, StoreError.schemaTooNew: true
        default: false
        }
    }

    static func bytes(of url: URL) throws -> [UInt8] {
        guard let data = FileManager.default.contents(atPath: url.path) else { throw ImportError.unreadable(url.path) }
        return Array(data)
    }

    /// Copies a refused file into the quarantine folder beside its `.outcome.json`.
    func quarantine(_ file: URL, issues: [Issue], suffix: String = "") throws {
        guard let folder = options.quarantine else { return }
        try PrivateFile.createFolder(folder.path)
        let name = file.lastPathComponent
        let target = folder.appendingPathComponent(name)
        if suffix.isEmpty {
            // A copy, not `copyItem`, which would keep the input's (perhaps world-readable) mode.
            try PrivateFile.write(Data(try Self.bytes(of: file)), to: target.path)
        }
        let stem = (name as NSString).deletingPathExtension + suffix
        try PrivateFile.write(Data(FHIRJSONWriterBridge.outcome(issues, pretty: true)), to: folder.appendingPathComponent(stem + ".outcome.json").path)
    }

    static func failureText(_ error: any Error) -> String {
        switch error {
        case let error as ImportError: error.description
        case let error as StoreError: "the store failed: \(error.description)"
        default: "the import failed"
        }
    }

    static func size(of url: URL) -> UInt64 {
        ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? NSNumber)?.uint64Value ?? 0
    }
}
