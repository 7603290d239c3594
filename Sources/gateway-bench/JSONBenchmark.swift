import FHIRCore
import FHIRJSON
import Foundation

/// `gateway-bench json`: our reader and writer against JSONSerialization on the same bytes in
/// the same run, and, with `--peers`, the PyPI peers timed by `Benchmarks/peers/json_peers.py`.
enum JSONBenchmark {
    static func run(_ arguments: [String]) {
        var folders: [String] = []
        var repeats = 5
        var runPeers = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": if let folder = remaining.popFirst() { folders.append(folder) }
            case "--repeat": repeats = Int(remaining.popFirst() ?? "") ?? repeats
            case "--peers": runPeers = true
            default: print("gateway-bench json: unexpected argument '\(argument)'"); exit(2)
            }
        }
        if folders.isEmpty { folders = ["../shared/synthea/bundles", "../shared/fhir-r4/examples/json"] }
        print("gateway-bench json: median of \(repeats) passes; \(ProcessInfo.processInfo.activeProcessorCount) cores")
        var largest: (path: String, size: Int)?
        for folder in folders {
            guard let corpus = Corpus(folder: folder) else {
                print("\n\(folder): not found, skipped")
                continue
            }
            measure(corpus, repeats: repeats, peers: runPeers ? Peers.run(folder: folder, repeats: repeats) : nil)
            for file in corpus.files where file.bytes.count > largest?.size ?? 0 {
                largest = (folder + "/" + file.name, file.bytes.count)
            }
        }
        if let largest, let peak = PeakMemory.measureInChild(largest.path) {
            let ratio = Double(peak.peak) / Double(peak.input)
            print("\npeak memory parsing the largest file (\(format(Double(peak.input) / 1e6, 2)) MB): "
                  + "\(format(Double(peak.peak) / 1e6, 2)) MB above the input = \(format(ratio, 2))x the input size")
        }
    }

    private static func measure(_ corpus: Corpus, repeats: Int, peers: [String: Peers.Figures]?) {
        let reader = FHIRJSONReader()
        let writer = FHIRJSONWriter()
        var trees: [FHIRElement] = []
        var failed = 0
        for file in corpus.files {
            if let resource = reader.read(file.bytes).resource { trees.append(resource) } else { failed += 1 }
        }
        let resources = trees.reduce(0) { $0 + countResources($1) }

        let parse = medianSeconds(repeats: repeats) {
            for file in corpus.files { _ = reader.read(file.bytes) }
        }
        var emittedBytes = 0
        let emit = medianSeconds(repeats: repeats) {
            emittedBytes = 0
            for tree in trees { emittedBytes += writer.write(tree).count }
        }
        let datas = corpus.files.map { Data($0.bytes) }
        var objects: [Any] = []
        let foundationParse = medianSeconds(repeats: repeats) {
            objects = datas.compactMap { try? JSONSerialization.jsonObject(with: $0) }
        }
        let foundationEmit = medianSeconds(repeats: repeats) {
            for object in objects { _ = try? JSONSerialization.data(withJSONObject: object) }
        }

        let megabytes = corpus.megabytes
        print("\n\(corpus.name): \(corpus.files.count) files, \(format(megabytes)) MB, \(resources) resources"
              + (failed > 0 ? ", \(failed) files refused by our strict reader" : ""))
        print(pad("", 24) + padLeft("parse MB/s", 12) + padLeft("resources/s", 14) + padLeft("emit MB/s", 12))
        func row(_ name: String, parse: Double, resourcesPerSecond: Double?, emit: Double?) {
            print(pad(name, 24) + padLeft(format(parse), 12)
                  + padLeft(resourcesPerSecond.map { format($0, 0) } ?? "-", 14) + padLeft(emit.map { format($0) } ?? "-", 12))
        }
        let ours = megabytes / parse
        let oursEmit = Double(emittedBytes) / 1e6 / emit
        row("fhir-gateway (strict)", parse: ours, resourcesPerSecond: Double(resources) / parse, emit: oursEmit)
        row("Foundation JSONSerial.", parse: megabytes / foundationParse, resourcesPerSecond: nil, emit: megabytes / foundationEmit)
        for (name, figures) in (peers ?? [:]).sorted(by: { $0.key < $1.key }) {
            row(name, parse: figures.parse, resourcesPerSecond: figures.resources, emit: figures.emit)
        }
        var ratios = ["parse vs JSONSerialization \(format(ours / (megabytes / foundationParse), 2))x"]
        if let rust = peers?["fhirkit-rs"] {
            ratios.append("parse vs fhirkit-rs \(format(ours / rust.parse, 2))x")
            if let emit = rust.emit { ratios.append("emit vs fhirkit-rs \(format(oursEmit / emit, 2))x") }
        }
        if let pydantic = peers?["fhir.resources"] {
            ratios.append("parse vs fhir.resources \(format(ours / pydantic.parse, 2))x")
        }
        print("ratios: " + ratios.joined(separator: "; "))
    }

    private static func countResources(_ element: FHIRElement) -> Int {
        (element.isResource ? 1 : 0) + element.children.reduce(0) { $0 + countResources($1) }
    }
}
