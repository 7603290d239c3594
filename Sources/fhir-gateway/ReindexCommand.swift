import Foundation
import GatewayIntake
import GatewayStore

/// `fhir-gateway reindex [--data DIR | --store URL] [--batch N]`: finishes the re-indexing an
/// upgrade left (store migration 3 indexes every R4 search parameter), printing progress;
/// `serve` does the same in the background, so this is for doing it ahead of a start, or
/// watching it. Stopped at any point, it resumes where it stopped.
enum ReindexCommand {
    struct Options {
        var storeFlags = StoreFlags()
        var location = StoreLocation.sqlite(folder: "var")
        var batch = 250
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "reindex", parse) else { return 2 }
        do {
            let store = try options.location.open()
            defer { try? store.close() }
            let started = Date()
            var lastPrinted = Date.distantPast
            let job = try Reindexer(store: store, batchSize: options.batch).run(progress: { job in
                guard Date().timeIntervalSince(lastPrinted) >= 1 || job.done >= job.total else { return }
                lastPrinted = Date()
                let rate = Double(job.done) / max(Date().timeIntervalSince(started), 0.001)
                print("re-indexed \(job.done) of \(job.total) resources (\(Int(rate))/s)")
            })
            if let job {
                print("search index complete: \(job.done) resources re-indexed in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
            } else {
                print("search index complete: nothing to re-index")
            }
            return 0
        } catch {
            printError("fhir-gateway reindex: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--batch": options.batch = try arguments.positiveInteger(for: argument)
            default: throw UsageError(description: "unexpected argument '\(argument)'")
            }
        }
        options.location = try options.storeFlags.location()
        return options
    }
}
