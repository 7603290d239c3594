import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// One HTTP/1.1 request on a connection of its own (`Connection: close`), over a blocking
/// socket, so a test can tell the ways a request can fail apart, which an HTTP library hides
/// (URLSession retries some, and names others loosely):
/// - `refused`: the connection was refused; nothing was sent, so a load balancer may send the
///   request elsewhere;
/// - `lost`: the request was sent and no complete answer came back; whether the server acted on
///   it is unknown, which is what a gateway must never do to a client.
enum LoopbackExchange {
    struct Reply: Sendable {
        var status: Int
        /// Lower-cased names.
        var headers: [String: String]
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
    }

    enum Failure: Error, CustomStringConvertible {
        case refused
        case lost(String)

        var description: String {
            switch self {
            case .refused: "connection refused"
            case .lost(let reason): "request sent, no complete answer: \(reason)"
            }
        }
    }

    /// Blocks the calling thread: call it from a thread of its own (`onThread`).
    static func send(
        port: Int, method: String, path: String, headers: [String: String] = [:], body: [UInt8] = [], timeout: Int = 60
    ) throws(Failure) -> Reply {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw .lost("socket errno \(errno)") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, "127.0.0.1", &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            if errno == ECONNREFUSED { throw .refused }
            throw .lost("connect errno \(errno)")
        }
        var time = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &time, socklen_t(MemoryLayout<timeval>.size))

        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\nContent-Length: \(body.count)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        let request = Array((head + "\r\n").utf8) + body
        var offset = 0
        while offset < request.count {
            let sent = request.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + offset, request.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { throw .lost("send errno \(errno)") }
            offset += sent
        }
        // The server closes after its answer (Connection: close): read to the end.
        var received: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count > 0 {
                received.append(contentsOf: chunk[0..<count])
            } else if count == 0 {
                break
            } else if errno == EINTR {
                continue
            } else {
                throw .lost("recv errno \(errno) after \(received.count) bytes")
            }
        }
        guard let reply = parse(received) else { throw .lost("\(received.count) bytes, not a complete response") }
        return reply
    }

    private static func parse(_ bytes: [UInt8]) -> Reply? {
        let separator: [UInt8] = [13, 10, 13, 10]
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else { return nil }
        let lines = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let statusParts = lines[0].split(separator: " ")
        guard statusParts.count >= 2, let status = Int(statusParts[1]) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        var body = Array(bytes[(end + 4)...])
        if headers["transfer-encoding"]?.lowercased() == "chunked" {
            guard let decoded = dechunk(body) else { return nil }
            body = decoded
        } else if let length = headers["content-length"].flatMap(Int.init) {
            guard body.count == length else { return nil }
        }
        return Reply(status: status, headers: headers, body: body)
    }

    /// A chunked body, or nil when it is incomplete.
    private static func dechunk(_ bytes: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        var index = 0
        while true {
            guard let lineEnd = (index..<max(index, bytes.count - 1)).first(where: { bytes[$0] == 13 && bytes[$0 + 1] == 10 }),
                  let size = Int(String(decoding: bytes[index..<lineEnd], as: UTF8.self).split(separator: ";")[0], radix: 16)
            else { return nil }
            if size == 0 { return output }
            let start = lineEnd + 2
            guard start + size + 2 <= bytes.count else { return nil }
            output.append(contentsOf: bytes[start..<start + size])
            index = start + size + 2
        }
    }
}

/// Runs blocking work (sockets, libpq, waiting for a process) on a Dispatch thread, never on the
/// cooperative pool: it has one thread per core (two here), and every other test of the run
/// needs them.
func onThread<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        DispatchQueue.global().async { continuation.resume(returning: work()) }
    }
}

/// `onThread` for work that throws.
func offPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await onThread { Result { try work() } }.get()
}
