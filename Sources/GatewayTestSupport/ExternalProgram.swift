import Dispatch
import Foundation

/// A program outside the toolchain that a test drives (nginx, openssl, curl, a venv's python).
/// Tests that need one skip with a clear message when `find` gives nil; `.ci/run` installs them.
public struct ExternalProgram: Sendable {
    public let path: String

    public init(path: String) { self.path = path }

    /// The program on `PATH`, or in the sbin folders where Debian puts daemons (nginx) and which
    /// an ordinary user's `PATH` often lacks.
    public static func find(_ name: String) -> ExternalProgram? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        let folders = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin", "/sbin"]
        return folders.map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
            .map(ExternalProgram.init(path:))
    }

    public struct Outcome: Sendable {
        public var status: Int32
        /// Standard output and standard error, interleaved as written.
        public var output: String
    }

    /// Runs the program to its end on a Dispatch thread, never on the (two-thread) Swift
    /// concurrency pool, which a loopback server started by the same test needs to answer it.
    public func run(_ arguments: [String], environment: [String: String]? = nil) async throws -> Outcome {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try runToEnd(arguments, environment: environment) })
            }
        }
    }

    /// Runs the program to its end on the calling thread (in `directory` when given): for
    /// synchronous tests that no server of theirs waits on.
    public func runToEnd(_ arguments: [String], in directory: URL? = nil, environment: [String: String]? = nil) throws -> Outcome {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = directory }
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(status: process.terminationStatus, output: String(decoding: data, as: UTF8.self))
    }

    /// Starts the program and leaves it running (a server); its output goes to `log`, appended
    /// to what is there when `appending` (the same process started again). `onExit` is set
    /// before the start, so even an immediate exit is seen.
    public func start(_ arguments: [String], log: URL, appending: Bool = false,
                      onExit: (@Sendable (Int32) -> Void)? = nil) throws -> Process {
        if !appending || !FileManager.default.fileExists(atPath: log.path) {
            _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        }
        let handle = try FileHandle(forWritingTo: log)
        // The child has its own copy of the descriptor; ours is not needed once it runs.
        defer { try? handle.close() }
        if appending { handle.seekToEndOfFile() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        if let onExit { process.terminationHandler = { onExit($0.terminationStatus) } }
        try process.run()
        return process
    }
}
