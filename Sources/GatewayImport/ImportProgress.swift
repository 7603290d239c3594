import Foundation

/// What an import has done so far, as the progress display and the final summary show it.
public struct ImportCounts: Sendable, Hashable, Codable {
    public var filesDone = 0
    public var filesTotal = 0
    public var filesImported = 0
    public var filesSkipped = 0
    public var filesRefused = 0
    public var resources = 0
    public var bytes: UInt64 = 0
    public var bytesTotal: UInt64 = 0

    public init() {}
}

/// Progress on standard error: a bar redrawn in place on a terminal (files, resources/s, ETA),
/// plain lines every few seconds otherwise (CI logs, `> file`), so both stay readable.
public final class ImportProgress: @unchecked Sendable {
    // Mutated only from the import's driving task; `@unchecked` because the reporter is handed to
    // it once and never shared between tasks.
    private let isTerminal: Bool
    private let start = Date()
    private var lastDraw = Date.distantPast
    private let interval: TimeInterval
    private let output: (String) -> Void

    /// `interval`: seconds between redraws (default: 0.1 on a terminal, 5 otherwise).
    public init(
        isTerminal: Bool = isatty(STDERR_FILENO) == 1, interval: TimeInterval? = nil,
        output: @escaping (String) -> Void = ImportProgress.standardError
    ) {
        self.isTerminal = isTerminal
        self.interval = interval ?? (isTerminal ? 0.1 : 5)
        self.output = output
    }

    public static func standardError(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    public func update(_ counts: ImportCounts, force: Bool = false) {
        let now = Date()
        guard force || now.timeIntervalSince(lastDraw) >= interval else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(counts.resources) / elapsed
        let fraction = counts.bytesTotal > 0 ? Double(counts.bytes) / Double(counts.bytesTotal) : 0
        let eta = fraction > 0.001 ? elapsed * (1 - fraction) / fraction : nil
        let etaText = eta.map { Self.duration($0) } ?? "--:--"
        let summary = "\(counts.filesDone)/\(counts.filesTotal) files, \(counts.resources) resources, "
            + "\(Int(rate)) resources/s, ETA \(etaText)"
        if isTerminal {
            let width = 24
            let filled = Int(fraction * Double(width))
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            output("\r[\(bar)] \(Int(fraction * 100))% \(summary)\u{1B}[K")
        } else {
            output("import: \(summary)\n")
        }
    }

    public func finish() {
        if isTerminal { output("\n") }
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600
            ? String(format: "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
            : String(format: "%02d:%02d", total / 60, total % 60)
    }
}
