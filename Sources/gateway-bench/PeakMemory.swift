import FHIRJSON
import Foundation

/// Peak resident memory of one parse, measured in a fresh process: Linux resets the peak
/// (`VmHWM`) when 5 is written to `/proc/self/clear_refs`, so the figure covers the parse alone
/// on top of the file's bytes already in memory.
enum PeakMemory {
    static func measureParse(of path: String) {
        guard let data = try? Data(contentsOf: URL(fileURLWithPath: path)) else {
            print("error: cannot read \(path)")
            exit(1)
        }
        let bytes = Array(data)
        let reader = FHIRJSONReader()
        _ = reader.catalogue.contexts.count  // load the catalogue before the measurement
        let before = residentKilobytes("VmRSS")
        try? "5".write(toFile: "/proc/self/clear_refs", atomically: false, encoding: .utf8)
        let result = reader.read(bytes)
        let peak = residentKilobytes("VmHWM")
        withExtendedLifetime(result) {
            print("\(bytes.count) \(max(peak - before, 0) * 1024) \(result.resource == nil ? "failed" : "ok")")
        }
    }

    /// Runs `json-peak` in a child process and returns (input bytes, peak extra bytes).
    static func measureInChild(_ path: String) -> (input: Int, peak: Int)? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        process.arguments = ["json-peak", path]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let fields = output.split(separator: " ")
        guard fields.count >= 2, let input = Int(fields[0]), let peak = Int(fields[1]) else { return nil }
        return (input, peak)
    }

    static func residentKilobytes(_ field: String) -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            return Int(line.split(separator: " ").dropFirst().first ?? "0") ?? 0
        }
        return 0
    }
}
