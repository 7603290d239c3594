import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import IOPMapping

/// `gateway-bench import`: the whole import, end to end and durable (read, validate against R4
/// and the IOP profiles, map, write resources, domain rows and ledger to SQLite with
/// synchronous=FULL), over the Synthea bundles in a fresh data folder, beside the strict parse
/// alone of the same bytes (the raw-reader baseline, measured in the same run). Then an NDJSON
/// file of `--ndjson-megabytes` (default 1024) generated from Synthea's NDJSON sample, imported
/// in a child process whose peak resident memory is reported. Output is flushed as it goes.
enum ImportBenchmark {
    static func run(_ arguments: [String]) {
        var folder = "../shared/synthea/bundles"
        var ndjsonFolder = "../shared/synthea/ndjson-10-patients"
        var ndjsonMegabytes = 1024
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": folder = remaining.popFirst() ?? folder
            case "--ndjson-corpus": ndjsonFolder = remaining.popFirst() ?? ndjsonFolder
            case "--ndjson-megabytes": ndjsonMegabytes = Int(remaining.popFirst() ?? "") ?? ndjsonMegabytes
            default: print("gateway-bench import: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let corpus = Corpus(folder: folder) else {
            print("gateway-bench import: \(folder) not found")
            exit(1)
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-import-\(getpid())")
        try? FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let reader = FHIRJSONReader()
        var resources = 0
        let parse = medianSeconds(repeats: 3) {
            resources = 0
            for file in corpus.files {
                if let tree = reader.read(file.bytes).resource { resources += 1 + tree.children("entry").count }
            }
        }
        let data = work.appendingPathComponent("bundles").path
        let start = DispatchTime.now().uptimeNanoseconds
        let report = runImport([folder], data: data)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("gateway-bench import: \(corpus.name): \(corpus.files.count) files, \(format(corpus.megabytes)) MB, "
              + "\(resources) resources; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        print(pad("", 40) + padLeft("MB/s", 9) + padLeft("resources/s", 13))
        print(pad("import (validate, map, store, durable)", 40) + padLeft(format(corpus.megabytes / seconds), 9)
              + padLeft(format(Double(report.counts.resources) / seconds, 0), 13))
        print(pad("strict parse alone (baseline)", 40) + padLeft(format(corpus.megabytes / parse), 9)
              + padLeft(format(Double(resources) / parse, 0), 13))
        print("import takes \(format(seconds / parse))× the parse alone; \(report.summary)")
        fflush(nil)  // the NDJSON part takes minutes: show the bundle figures now

        guard ndjsonMegabytes > 0 else { return }
        let ndjson = work.appendingPathComponent("generated.ndjson")
        guard let lines = generateNDJSON(from: ndjsonFolder, megabytes: ndjsonMegabytes, to: ndjson) else {
            print("gateway-bench import: \(ndjsonFolder) not found; NDJSON part skipped")
            return
        }
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["import-child", ndjson.path, work.appendingPathComponent("ndjson").path]
        let pipe = Pipe()
        child.standardOutput = pipe
        let childStart = DispatchTime.now().uptimeNanoseconds
        try? child.run()
        child.waitUntilExit()
        let childSeconds = Double(DispatchTime.now().uptimeNanoseconds - childStart) / 1e9
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        print("NDJSON: \(ndjsonMegabytes) MB, \(lines) lines generated from \(ndjsonFolder); imported in \(format(childSeconds)) s "
              + "(\(format(Double(ndjsonMegabytes) / childSeconds)) MB/s): \(output.trimmingCharacters(in: .whitespacesAndNewlines))")
    }

    /// (internal) `import-child FILE DATA`: one import in this process, then its peak memory.
    static func child(_ arguments: [String]) {
        guard arguments.count == 2 else { exit(2) }
        let report = runImport([arguments[0]], data: arguments[1])
        print("\(report.summary); peak resident memory \(PeakMemory.residentKilobytes("VmHWM") / 1024) MB")
    }

    static func runImport(_ paths: [String], data: String) -> ImportReport {
        do {
            try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
            let store = try SQLiteGatewayStore(path: data + "/gateway.sqlite")
            let intake = try HTTPBenchmark.intake(store: store)
            let importer = Importer(intake: intake, store: store, options: ImportOptions(jobs: ProcessInfo.processInfo.activeProcessorCount))
            let sources = try ImportSource.discover(paths)
            let box = ReportBox()
            let done = DispatchSemaphore(value: 0)
            Task {
                box.report = try? await importer.run(sources)
                done.signal()
            }
            done.wait()
            return box.report ?? ImportReport()
        } catch {
            print("gateway-bench import: \(error)")
            exit(1)
        }
    }

    /// Synthea's NDJSON resources (its export log left out), repeated until the file has the size
    /// asked for. Every UUID in a copy gets the copy's suffix, so each copy is a new set of
    /// resources whose references still point within the copy; referenced types come first in
    /// each copy, as `ImportSource.orderedForReferences` would order separate files.
    static func generateNDJSON(from folder: String, megabytes: Int, to file: URL) -> Int? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return nil }
        // Bulk-data files are named by type (`Patient.000.ndjson`).
        func rank(_ name: String) -> Int { ImportSource.referenceRank(ofType: String(name.split(separator: ".")[0])) }
        let ordered = names.filter { $0.hasSuffix(".ndjson") && $0 != "log.ndjson" }
            .sorted { (rank($0), $0) < (rank($1), $1) }
        var lines: [String] = []
        for name in ordered {
            guard let text = try? String(contentsOfFile: folder + "/" + name, encoding: .utf8) else { continue }
            lines += text.split(separator: "\n").map(String.init)
        }
        guard !lines.isEmpty else { return nil }
        guard FileManager.default.createFile(atPath: file.path, contents: nil) else { return nil }
        guard let handle = try? FileHandle(forWritingTo: file) else { return nil }
        defer { try? handle.close() }
        let target = megabytes * 1_000_000
        var written = 0
        var count = 0
        var copy = 0
        while written < target {
            copy += 1
            for line in lines where written < target {
                let renamed = line.replacing(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/) { "\($0.output)-c\(copy)" }
                let data = Data((renamed + "\n").utf8)
                try? handle.write(contentsOf: data)
                written += data.count
                count += 1
            }
        }
        return count
    }

    private final class ReportBox: @unchecked Sendable {
        // Written by the import task before it signals; read after the wait.
        var report: ImportReport?
    }
}
