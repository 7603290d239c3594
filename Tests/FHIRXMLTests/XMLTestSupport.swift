import FHIRCore
import FHIRJSON
import FHIRXML
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Helpers shared by the XML reader and writer suites: read a text, find the issue a test is
/// about, say where in the text it should point, and watch the loopback interface and a local
/// file so a test can show that the reader fetched nothing.
enum XMLTest {
    static let fhirNamespace = "http://hl7.org/fhir"
    static let xhtmlNamespace = "http://www.w3.org/1999/xhtml"

    static func read(_ text: String, mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) -> ReadResult {
        FHIRXMLReader(mode: mode, limits: limits).read(Array(text.utf8))
    }

    static func read(bytes: [UInt8], mode: ReadMode = .strict, limits: ReadLimits = ReadLimits()) -> ReadResult {
        FHIRXMLReader(mode: mode, limits: limits).read(bytes)
    }

    static func readJSON(_ text: String) -> ReadResult {
        FHIRJSONReader().read(Array(text.utf8))
    }

    static func limits(_ change: (inout ReadLimits) -> Void) -> ReadLimits {
        var limits = ReadLimits()
        change(&limits)
        return limits
    }

    static func fixture(_ relativePath: String) throws -> [UInt8] {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(relativePath)
        return Array(try Data(contentsOf: url))
    }

    /// The 1-based line of the first occurrence of `marker`, counted independently of the reader.
    static func line(of marker: String, in text: String) -> Int {
        guard let range = text.range(of: marker) else {
            Testing.Issue.record("marker \(marker) is not in the text")
            return 0
        }
        return text[..<range.lowerBound].filter { $0 == "\n" || $0 == "\r\n" }.count + 1
    }

    /// Expects an error or fatal issue whose code is one of `codes` (and, when given, of this
    /// severity, on this line, at this column); returns the first one found.
    @discardableResult
    static func expectIssue(
        _ result: ReadResult, _ codes: Set<IssueType>, severity: FHIRCore.Issue.Severity? = nil,
        line: Int? = nil, column: Int? = nil, expression: String? = nil,
        sourceLocation: Testing.SourceLocation = #_sourceLocation
    ) -> FHIRCore.Issue? {
        let candidates = result.issues.filter {
            $0.isError && codes.contains($0.code) && (severity == nil || $0.severity == severity)
                && (expression == nil || $0.expression == expression)
        }
        let wanted = "\(severity?.rawValue ?? "error/fatal") \(codes.map(\.rawValue).sorted())"
        guard !candidates.isEmpty else {
            Testing.Issue.record("no \(wanted) issue; got \(result.issues.map(\.description))", sourceLocation: sourceLocation)
            return nil
        }
        let located = candidates.filter {
            (line == nil || $0.location?.line == line) && (column == nil || $0.location?.column == column)
        }
        if line != nil || column != nil {
            #expect(!located.isEmpty,
                    "expected \(wanted) at line \(line.map(String.init) ?? "any"), column \(column.map(String.init) ?? "any"); got \(candidates.map(\.description))",
                    sourceLocation: sourceLocation)
        } else {
            #expect(candidates.allSatisfy { $0.location != nil }, "\(candidates.map(\.description))",
                    sourceLocation: sourceLocation)
        }
        return located.first ?? candidates[0]
    }

    /// Expects the read to have failed: no resource, and at least one error or fatal issue.
    static func expectRefused(_ result: ReadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(result.resource == nil, "a resource was returned", sourceLocation: sourceLocation)
        #expect(result.hasErrors, "no error was reported", sourceLocation: sourceLocation)
    }

    /// Expects a clean read: a resource and no issues at all.
    @discardableResult
    static func expectAccepted(_ result: ReadResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) -> FHIRElement? {
        #expect(result.issues.isEmpty, "\(result.issues.map(\.description))", sourceLocation: sourceLocation)
        #expect(result.resource != nil, sourceLocation: sourceLocation)
        return result.resource
    }
}

/// A TCP listener on 127.0.0.1 with an ephemeral port that only counts connections: it never
/// answers, so a reader that tried to fetch from it would learn nothing, and the test sees it.
final class LoopbackListener {
    let port: UInt16
    private let socketFD: Int32

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { throw POSIXError(.EMFILE) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketFD, pointer, length) == 0 && listen(socketFD, 16) == 0
                    && getsockname(socketFD, pointer, &length) == 0
            }
        }
        guard bound, fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK) == 0 else {
            close(socketFD)
            throw POSIXError(.EADDRNOTAVAIL)
        }
        self.socketFD = socketFD
        port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(socketFD) }

    /// Connections that arrived, waiting up to `milliseconds` for a first one.
    func connections(waitingMilliseconds milliseconds: Int32 = 250) -> Int {
        var count = 0
        var descriptor = pollfd(fd: socketFD, events: Int16(POLLIN), revents: 0)
        guard poll(&descriptor, 1, milliseconds) > 0 else { return 0 }
        while true {
            let connection = accept(socketFD, nil, nil)
            guard connection >= 0 else { return count }
            close(connection)
            count += 1
        }
    }
}

/// A file holding a unique marker, with its access time set far in the past, so that a read of
/// it would move the access time even on a `relatime` mount (Linux then updates it whenever it
/// is older than the modification time).
struct MarkerFile {
    let path: String
    let marker = "XXE-MARKER-\(UUID().uuidString)"
    static let oldAccessTime = 1_000_000_000

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("fhir-xxe-\(UUID().uuidString).txt").path
        try Data(marker.utf8).write(to: URL(fileURLWithPath: path))
        var times = [timeval(tv_sec: Self.oldAccessTime, tv_usec: 0), timeval(tv_sec: time(nil), tv_usec: 0)]
        guard utimes(path, &times) == 0 else { throw POSIXError(.EPERM) }
    }

    /// Whether the file's access time is still the one set at creation.
    var untouched: Bool {
        var info = stat()
        return stat(path, &info) == 0 && info.st_atim.tv_sec == Self.oldAccessTime
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }

    /// Whether this file system records reads at all (not on a `noatime` mount): a control file
    /// read on purpose must lose its old access time.
    static let readsAreRecorded: Bool = {
        guard let control = try? MarkerFile() else { return false }
        defer { control.remove() }
        _ = try? Data(contentsOf: URL(fileURLWithPath: control.path))
        return !control.untouched
    }()
}

