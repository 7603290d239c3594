import FHIRCore
import FHIRJSON
import FHIRSearch
import Foundation
import GatewayIntake
import GatewayStore

/// `gateway-bench search`: the cost of indexing every R4 search parameter and what it buys.
/// 1. `ResourceIndexing.index` alone per resource, beside the strict parse of the same resources.
/// 2. A durable SQLite store grown to `--target` resources from copies of the Synthea data
///    (`SyntheaCopies`), kept at `--store` for the next run; the growth rate.
/// 3. Ten typical client queries, through `SearchQueryParser` and `StoreReader.search`, with
///    values drawn from the store; p50/p99 and results per page.
/// 4. The re-index rate (`Reindexer.run`) on a second store of `--reindex-target` resources
///    whose job is marked pending again with the sqlite3 shell.
enum SearchBenchmark {
    struct Options {
        var corpus = "../shared/synthea/bundles"
        var store = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-search.sqlite").path
        var target = 1_000_000
        var reindexStore: String?
        var reindexTarget = 100_000
        var repeats = 200
        var secondsPerQuery = 20.0
        var parts: Set<String> = ["index", "grow", "query", "reindex"]
        /// Also run the queries again after `ANALYZE` (the store never runs it itself).
        var analyze = false
    }

    static func run(_ arguments: [String]) {
        var options = Options()
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            if argument == "--analyze" {
                options.analyze = true
                continue
            }
            let value = remaining.popFirst() ?? ""
            switch argument {
            case "--corpus": options.corpus = value
            case "--store": options.store = value
            case "--target": options.target = Int(value) ?? options.target
            case "--reindex-store": options.reindexStore = value
            case "--reindex-target": options.reindexTarget = Int(value) ?? options.reindexTarget
            case "--repeat": options.repeats = Int(value) ?? options.repeats
            case "--seconds-per-query": options.secondsPerQuery = Double(value) ?? options.secondsPerQuery
            case "--only": options.parts = Set(value.split(separator: ",").map(String.init))
            default: print("gateway-bench search: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let copies = SyntheaCopies(folder: options.corpus) else {
            print("gateway-bench search: \(options.corpus) not found")
            exit(1)
        }
        print("gateway-bench search: \(copies.templates.count) distinct resources in \(options.corpus); "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores; load \(loadAverage())")
        do {
            if options.parts.contains("index") { indexAlone(copies) }
            if options.parts.contains("grow") || options.parts.contains("query") {
                let store = try grownStore(at: options.store, target: options.target, copies: copies)
                if options.parts.contains("query") {
                    try SearchQueries(store: store, copies: copies, options: options).run()
                    if options.analyze {
                        // Without sqlite_stat1 the planner guesses; ANALYZE gives it the real row counts.
                        let start = DispatchTime.now().uptimeNanoseconds
                        sqlite(options.store, "ANALYZE;")
                        print("\nANALYZE took \(format(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)) s; the queries again:")
                        try SearchQueries(store: store, copies: copies, options: options).run()
                    }
                }
            }
            if options.parts.contains("reindex") {
                try reindex(at: options.reindexStore ?? options.store + ".reindex", target: options.reindexTarget, copies: copies)
            }
        } catch {
            print("gateway-bench search: \(error)")
            exit(1)
        }
    }

    /// µs per resource: the strict parse, and `ResourceIndexing.index` of the parsed trees.
    static func indexAlone(_ copies: SyntheaCopies) {
        let reader = FHIRJSONReader()
        let trees = copies.templates.compactMap { reader.read($0.bytes).resource }
        var rows = 0
        let parse = medianSeconds(repeats: 5) {
            for template in copies.templates { _ = reader.read(template.bytes).resource }
        }
        let index = medianSeconds(repeats: 5) {
            rows = 0
            for tree in trees { rows += ResourceIndexing.index(tree).rowCount }
        }
        let count = Double(trees.count)
        print("\nper resource (\(trees.count) resources, \(format(Double(rows) / count)) index rows each), median of 5, load \(loadAverage()):")
        print(pad("strict parse (baseline)", 34) + padLeft(format(parse / count * 1e6) + " µs", 12))
        print(pad("ResourceIndexing.index", 34) + padLeft(format(index / count * 1e6) + " µs", 12)
              + "   \(format(index / parse, 2))× the parse")
        fflush(nil)
    }

    /// The store at `path`, grown with fresh copies until it holds `target` resources.
    static func grownStore(at path: String, target: Int, copies: SyntheaCopies) throws -> SQLiteGatewayStore {
        let store = try SQLiteGatewayStore(path: path)
        let existing = resourceCount(path)
        guard existing < target else {
            print("\nstore \(path): \(existing) resources already (≥ \(target)), reused")
            return store
        }
        print("\ngrowing \(path) from \(existing) to \(target) resources (batches of 2000, durable):")
        fflush(nil)
        let outcome = try StoreGrower(copies: copies).grow(store, adding: target - existing) { print($0); fflush(nil) }
        let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        print("grew by \(outcome.resources) resources (\(outcome.indexRows) index rows, "
              + "\(format(Double(outcome.indexRows) / Double(max(outcome.resources, 1)))) per resource) in \(format(outcome.seconds)) s: "
              + "\(format(Double(outcome.resources) / outcome.seconds, 0)) resources/s; file \(format(Double(size) / 1e9, 2)) GB; load \(loadAverage())")
        fflush(nil)
        return store
    }

    /// Marks the re-index job pending over every resource again, then times `Reindexer.run`.
    static func reindex(at path: String, target: Int, copies: SyntheaCopies) throws {
        do {
            _ = try grownStore(at: path, target: target, copies: copies)
        }  // closed before the shell writes to it
        let count = resourceCount(path)
        sqlite(path, """
            UPDATE search_reindex SET finished_at = NULL, after_seq = 0, done = 0,
              until_seq = (SELECT MAX(seq) FROM resource_head),
              total = (SELECT COUNT(*) FROM resource_head WHERE deleted = 0);
            """)
        let store = try SQLiteGatewayStore(path: path)
        let start = DispatchTime.now().uptimeNanoseconds
        let job = try Reindexer(store: store).run()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let done = job?.done ?? 0
        print("\nre-index of \(path) (\(count) resources): \(done) re-indexed in \(format(seconds)) s: "
              + "\(format(Double(done) / seconds, 0)) resources/s (batches of 250); load \(loadAverage())")
        fflush(nil)
    }

    static func resourceCount(_ path: String) -> Int {
        Int(sqlite(path, "SELECT COUNT(*) FROM resource_head WHERE deleted = 0;").trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Runs SQL with the sqlite3 shell (the store has no raw-SQL API, on purpose).
    @discardableResult
    static func sqlite(_ path: String, _ sql: String) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        do { try process.run() } catch { return "" }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: output, as: UTF8.self)
    }
}
