import Foundation

/// The PyPI peers, timed by the scripts in `Benchmarks/peers/` on the same files in the same run.
enum Peers {
    struct Figures {
        var parse: Double
        var emit: Double?
        var resources: Double?
    }

    static func run(script: String = "Benchmarks/peers/json_peers.py", folder: String, repeats: Int) -> [String: Figures]? {
        guard FileManager.default.fileExists(atPath: script) else {
            print("(peers: \(script) not found; run from the repository root)")
            return nil
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script, "--dir", folder, "--repeat", String(repeats), "--json"]
        let pipe = Pipe()
        process.standardOutput = pipe
        guard (try? process.run()) != nil else { return nil }
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard let object = try? JSONSerialization.jsonObject(with: output) as? [String: Any],
              let peers = object["peers"] as? [String: [String: Any]]
        else {
            print("(peers: no figures from \(script))")
            return nil
        }
        var figures: [String: Figures] = [:]
        for (name, values) in peers {
            guard let parse = values["parse_mb_s"] as? Double else { continue }
            figures[name] = Figures(
                parse: parse, emit: values["emit_mb_s"] as? Double, resources: values["resources_s"] as? Double)
        }
        return figures
    }
}
