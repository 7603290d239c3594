import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation

/// `gateway-bench xml`: the Synthea bundles written as FHIR XML by our writer, then read by our
/// reader beside a raw libxml2 SAX2 pass over the same bytes (the ceiling), and written again;
/// with `--peers`, `Benchmarks/peers/xml_peers.py` times the PyPI peers on the same files.
enum XMLBenchmark {
    static func run(_ arguments: [String]) {
        var folder = "../shared/synthea/bundles"
        var repeats = 5
        var runPeers = false
        var pretty = true
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": folder = remaining.popFirst() ?? folder
            case "--repeat": repeats = Int(remaining.popFirst() ?? "") ?? repeats
            case "--peers": runPeers = true
            case "--compact": pretty = false
            default: print("gateway-bench xml: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let corpus = Corpus(folder: folder) else {
            print("gateway-bench xml: \(folder) not found")
            exit(1)
        }
        let trees = corpus.files.compactMap { FHIRJSONReader().read($0.bytes).resource }
        let writer = FHIRXMLWriter(pretty: pretty)
        let documents = trees.map { writer.write($0) }
        let megabytes = Double(documents.reduce(0) { $0 + $1.count }) / 1e6
        print("gateway-bench xml: median of \(repeats) passes; \(corpus.files.count) \(corpus.name) files as "
              + "\(pretty ? "pretty" : "compact") XML, \(format(megabytes)) MB")

        let reader = FHIRXMLReader()
        let refused = documents.filter { reader.read($0).resource == nil }.count
        // Timed to the trees in hand; freeing them is timed apart, since it happens when the
        // caller is done with them (after validation, mapping and storing).
        var results: [ReadResult] = []
        results.reserveCapacity(documents.count)
        let ours = medianSeconds(repeats: repeats, afterEach: { results.removeAll(keepingCapacity: true) }) {
            for document in documents { results.append(reader.read(document)) }
        }
        let oursWithFreeing = medianSeconds(repeats: repeats) { for document in documents { _ = reader.read(document) } }
        let raw = medianSeconds(repeats: repeats) { for document in documents { _ = RawSAXPass.parse(document) } }
        var emitted = 0
        let emit = medianSeconds(repeats: repeats) {
            emitted = 0
            for tree in trees { emitted += writer.write(tree).count }
        }

        print(pad("", 34) + padLeft("parse MB/s", 12) + padLeft("emit MB/s", 12))
        print(pad("fhir-gateway (strict, lossless)", 34) + padLeft(format(megabytes / ours), 12)
              + padLeft(format(Double(emitted) / 1e6 / emit), 12))
        print(pad("  the same, freeing the trees", 34) + padLeft(format(megabytes / oursWithFreeing), 12) + padLeft("-", 12))
        print(pad("libxml2 SAX2, no-op handlers", 34) + padLeft(format(megabytes / raw), 12) + padLeft("-", 12))
        var peerNote = ""
        if runPeers, let figures = peerFigures(documents, names: corpus.files.map(\.name), repeats: repeats) {
            for (name, peer) in figures.sorted(by: { $0.key < $1.key }) {
                print(pad(name, 34) + padLeft(format(peer.parse), 12) + padLeft(peer.emit.map { format($0) } ?? "-", 12))
            }
            if let pydantic = figures["fhir.resources"] { peerNote = "; parse vs fhir.resources \(format((megabytes / ours) / pydantic.parse, 1))x" }
        }
        print("ratios: parse time \(format(ours / raw, 2))x the raw SAX2 pass "
              + "(\(format(oursWithFreeing / raw, 2))x counting freeing the trees)" + peerNote
              + (refused > 0 ? "; \(refused) documents refused" : ""))
    }

    /// Writes the documents to a temporary folder for the Python peers and runs them there.
    private static func peerFigures(_ documents: [[UInt8]], names: [String], repeats: Int) -> [String: Peers.Figures]? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("gateway-bench-xml-\(getpid())")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (document, name) in zip(documents, names) {
            try? Data(document).write(to: folder.appendingPathComponent(name.replacingOccurrences(of: ".json", with: ".xml")))
        }
        return Peers.run(script: "Benchmarks/peers/xml_peers.py", folder: folder.path, repeats: repeats)
    }
}
