import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation

/// `gateway-bench validate`: our validator over the Synthea bundles, on trees parsed beforehand
/// and end to end from bytes, beside the PyPI peers timed by `Benchmarks/peers/validate_peers.py`
/// on the same files in the same run. The peers validate while they parse, so our end-to-end
/// figure is the one to compare with theirs; validation alone shows what the validator costs.
enum ValidateBenchmark {
    static func run(_ arguments: [String]) {
        var folder = "../shared/synthea/bundles"
        var repeats = 5
        var runPeers = false
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            switch argument {
            case "--corpus": folder = remaining.popFirst() ?? folder
            case "--repeat": repeats = Int(remaining.popFirst() ?? "") ?? repeats
            case "--peers": runPeers = true
            default: print("gateway-bench validate: unexpected argument '\(argument)'"); exit(2)
            }
        }
        guard let corpus = Corpus(folder: folder) else {
            print("gateway-bench validate: \(folder) not found")
            exit(1)
        }
        let reader = FHIRJSONReader()
        var trees: [FHIRElement] = []
        var readIssues: [Issue] = []
        for file in corpus.files {
            let result = reader.read(file.bytes)
            readIssues += result.issues
            if let resource = result.resource { trees.append(resource) }
        }
        let refused = corpus.files.count - trees.count
        let resources = trees.reduce(0) { $0 + countResources($1) }
        let megabytes = corpus.megabytes
        print("gateway-bench validate: median of \(repeats) passes; \(corpus.name): \(corpus.files.count) files, "
              + "\(format(megabytes)) MB, \(resources) resources; \(ProcessInfo.processInfo.activeProcessorCount) cores")

        // Built once, outside every timed region: it compiles the FHIRPath invariants of R4.
        let start = DispatchTime.now().uptimeNanoseconds
        let validator = FHIRValidator()
        let construction = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        print("validator construction (R4 plan, invariants compiled): \(format(construction * 1000)) ms, once, not timed below")

        let peers = runPeers ? Peers.run(script: "Benchmarks/peers/validate_peers.py", folder: folder, repeats: repeats) : nil

        let found = trees.flatMap { validator.validate($0) }
        var sink = 0
        let validateOnly = medianSeconds(repeats: repeats) {
            for tree in trees { sink &+= validator.validate(tree).count }
        }
        let endToEnd = medianSeconds(repeats: repeats) {
            for file in corpus.files {
                let result = reader.read(file.bytes)
                sink &+= result.issues.count
                if let tree = result.resource { sink &+= validator.validate(tree).count }
            }
        }

        print(pad("", 36) + padLeft("MB/s", 9) + padLeft("resources/s", 13) + padLeft("errors", 9) + padLeft("warnings", 10))
        func row(_ name: String, seconds: Double?, mbPerSecond: Double? = nil, resourcesPerSecond: Double? = nil, issues: [Issue]?) {
            let errors = issues.map { String($0.filter(\.isError).count) } ?? "-"
            let warnings = issues.map { String($0.filter { $0.severity == .warning }.count) } ?? "-"
            print(pad(name, 36) + padLeft((mbPerSecond ?? seconds.map { megabytes / $0 }).map { format($0) } ?? "-", 9)
                  + padLeft((resourcesPerSecond ?? seconds.map { Double(resources) / $0 }).map { format($0, 0) } ?? "-", 13)
                  + padLeft(errors, 9) + padLeft(warnings, 10))
        }
        row("fhir-gateway validate (tree in hand)", seconds: validateOnly, issues: found)
        row("fhir-gateway parse+validate *", seconds: endToEnd, issues: readIssues + found)
        for (name, figures) in (peers ?? [:]).sorted(by: { $0.key < $1.key }) {
            row(name + " *", seconds: nil, mbPerSecond: figures.parse, resourcesPerSecond: figures.resources, issues: nil)
        }
        print("* from bytes: parsing included, the comparable figures"
              + (peers == nil ? "" : "; the peers' errors and warnings are in their table above"))
        if refused > 0 { print("\(refused) files refused by our strict reader: not validated, their read issues counted") }

        var ratios: [String] = []
        if let rust = peers?["fhirkit-rs"] {
            let comparable = (megabytes / endToEnd) / rust.parse
            ratios.append("parse+validate vs fhirkit-rs \(format(comparable, 2))x (comparable; the bar is >= 1: "
                          + (comparable >= 1 ? "met" : "not met") + ")")
            ratios.append("validate alone vs fhirkit-rs \(format((megabytes / validateOnly) / rust.parse, 2))x "
                          + "(not comparable: fhirkit's figure includes parsing)")
        }
        if let pydantic = peers?["fhir.resources"] {
            ratios.append("parse+validate vs fhir.resources \(format((megabytes / endToEnd) / pydantic.parse, 1))x")
        }
        if !ratios.isEmpty { print("ratios: " + ratios.joined(separator: "; ")) }
        print("coverage: ours checks structure, cardinality, choices, primitive formats, bindings, reference targets, "
              + "narrative, ele-1 and every R4 invariant (FHIRPath) and the Bundle rules"
              + (peers?["fhirkit-rs"] == nil ? "" : "; fhirkit-rs: see its coverage probe above (0.1.0: no invariants, no bindings)"))
        if sink == -1 { print(sink) }  // keeps the timed results alive
    }

    /// The Bundle plus its entries' resources, or 1: the rule of json_peers.py.
    private static func countResources(_ root: FHIRElement) -> Int {
        guard root.resourceType == "Bundle" else { return 1 }
        return 1 + root.children("entry").filter { $0.child("resource") != nil }.count
    }
}
