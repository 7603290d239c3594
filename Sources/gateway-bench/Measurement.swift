import Foundation

/// Runs `body` once to warm up, then `repeats` times, and returns the median seconds: machines
/// here are shared and noisy, and the median ignores the odd slow pass.
///
/// `afterEach` runs after each pass, outside the timing: what a pass made and handed over (the
/// trees a reader returns) is freed there, so a parse is timed to the tree in hand, as parser
/// benchmarks such as nativejson-benchmark time it.
func medianSeconds(repeats: Int, afterEach: () -> Void = {}, _ body: () -> Void) -> Double {
    body()
    afterEach()
    var samples: [Double] = []
    for _ in 0..<max(repeats, 1) {
        let start = DispatchTime.now().uptimeNanoseconds
        body()
        samples.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        afterEach()
    }
    samples.sort()
    return samples[samples.count / 2]
}

/// A corpus of files held in memory, so only parsing and writing are timed.
struct Corpus {
    let name: String
    let files: [(name: String, bytes: [UInt8])]

    var totalBytes: Int { files.reduce(0) { $0 + $1.bytes.count } }
    var megabytes: Double { Double(totalBytes) / 1e6 }

    init?(folder: String) {
        let url = URL(fileURLWithPath: folder)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: url.path) else { return nil }
        files = names.filter { $0.hasSuffix(".json") }.sorted().compactMap { name in
            guard let data = try? Data(contentsOf: url.appendingPathComponent(name)) else { return nil }
            return (name, Array(data))
        }
        self.name = url.lastPathComponent
        guard !files.isEmpty else { return nil }
    }
}

func format(_ value: Double, _ digits: Int = 1) -> String {
    String(format: "%.\(digits)f", value)
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
}

func padLeft(_ text: String, _ width: Int) -> String {
    text.count >= width ? text : String(repeating: " ", count: width - text.count) + text
}
