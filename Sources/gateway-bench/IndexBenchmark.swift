import FHIRCore
import FHIRJSON
import FHIRSearch
import FHIRValidation
import Foundation

/// `gateway-bench index`: the search indexer over the Synthea bundles' resources (each entry's
/// resource indexed as the intake would index it), beside the parse of the same bytes in the
/// same run: indexing is in every write's path, and the bar is that it does not halve ingest.
enum IndexBenchmark {
    static func run(_ arguments: [String]) {
        var folder = "../shared/synthea/bundles"
        var repeats = 5
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": folder = remaining.popFirst() ?? folder
            case "--repeat": repeats = Int(remaining.popFirst() ?? "") ?? repeats
            default: print("gateway-bench index: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let corpus = Corpus(folder: folder) else {
            print("gateway-bench index: \(folder) not found")
            exit(1)
        }
        let reader = FHIRJSONReader()
        let trees = corpus.files.compactMap { reader.read($0.bytes).resource }
        let resources = trees.flatMap(entryResources)

        var start = DispatchTime.now().uptimeNanoseconds
        let catalogue = SearchParameterCatalogue.r4
        let catalogueMillis = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        start = DispatchTime.now().uptimeNanoseconds
        let indexer = SearchIndexer(catalogue: catalogue)
        let indexerMillis = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6
        print("gateway-bench index: median of \(repeats) passes; \(corpus.name): \(corpus.files.count) files, "
              + "\(format(corpus.megabytes)) MB, \(resources.count) entry resources; "
              + "\(ProcessInfo.processInfo.activeProcessorCount) cores")
        print("once, not timed below: catalogue parsed in \(format(catalogueMillis)) ms (\(catalogue.count) parameters), "
              + "indexer built in \(format(indexerMillis)) ms (expressions compiled)")

        var rows = 0
        var failed: [String] = []
        for resource in resources { rows += indexer.index(resource, failedParameters: &failed).rowCount }
        var sink = 0
        let parse = medianSeconds(repeats: repeats) {
            for file in corpus.files { sink &+= reader.read(file.bytes).issues.count }
        }
        let indexOnly = medianSeconds(repeats: repeats) {
            for resource in resources { sink &+= indexer.index(resource).rowCount }
        }
        let both = medianSeconds(repeats: repeats) {
            for file in corpus.files {
                guard let tree = reader.read(file.bytes).resource else { continue }
                for resource in entryResources(tree) { sink &+= indexer.index(resource).rowCount }
            }
        }
        // For scale: what the intake does besides parsing, on the same trees (the validator, built once).
        let validator = FHIRValidator()
        let validate = medianSeconds(repeats: repeats) {
            for tree in trees { sink &+= validator.validate(tree).count }
        }
        let count = Double(resources.count)
        print(pad("", 26) + padLeft("seconds", 10) + padLeft("µs/resource", 13) + padLeft("resources/s", 13))
        func row(_ name: String, _ seconds: Double) {
            print(pad(name, 26) + padLeft(format(seconds, 3), 10) + padLeft(format(seconds / count * 1e6, 1), 13)
                  + padLeft(format(count / seconds, 0), 13))
        }
        row("parse only", parse)
        row("index only (tree in hand)", indexOnly)
        row("parse + index", both)
        row("validate (tree in hand)", validate)
        print("rows: \(rows) (\(format(Double(rows) / count, 1)) per resource); failed expressions: \(failed.count); "
              + "parse+index / parse = \(format(both / parse, 2))x; "
            + "parse+validate+index / parse+validate = \(format((both + validate) / (parse + validate), 2))x")
        if sink == -1 { print(sink) }  // keeps the timed results alive
    }

    /// A Bundle's entry resources, or the resource itself.
    private static func entryResources(_ root: FHIRElement) -> [FHIRElement] {
        guard root.resourceType == "Bundle" else { return [root] }
        return root.children("entry").compactMap { $0.child("resource") }
    }
}
