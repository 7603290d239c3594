import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Synchronization

/// A closed-loop HTTP/1.1 load generator over blocking sockets: `concurrency` threads, each with
/// one keep-alive connection and one request outstanding at a time, take the next of `requests`
/// until none is left. Knows nothing of FHIR or of the server it drives, so a multi-process run
/// can call `run` in each child and merge the results.
enum HTTPLoadGenerator {
    struct Result: Sendable {
        var seconds: Double = 0
        /// Seconds from the first byte sent to the last byte of the response, sorted.
        var latencies: [Double] = []
        var statuses: [Int: Int] = [:]
        /// Requests that got no complete response (connection refused, reset, timed out).
        var failures = 0

        var completed: Int { latencies.count }
        var perSecond: Double { seconds > 0 ? Double(completed) / seconds : 0 }

        /// The latency at fraction `p` (0.5, 0.99) by nearest rank.
        func percentile(_ p: Double) -> Double {
            guard !latencies.isEmpty else { return 0 }
            let rank = Int((p * Double(latencies.count)).rounded(.up)) - 1
            return latencies[min(max(rank, 0), latencies.count - 1)]
        }

        mutating func merge(_ other: Result) {
            latencies = (latencies + other.latencies).sorted()
            statuses.merge(other.statuses, uniquingKeysWith: +)
            failures += other.failures
            seconds = max(seconds, other.seconds)
        }
    }

    /// `requests` are whole requests on the wire (head and body), each sent once.
    static func run(host: String = "127.0.0.1", port: Int, concurrency: Int, requests: [[UInt8]]) -> Result {
        let shared = SharedState()
        let group = DispatchGroup()
        let start = DispatchTime.now().uptimeNanoseconds
        for _ in 0..<max(concurrency, 1) {
            group.enter()
            let thread = Thread {
                var result = Result()
                var connection: LoadConnection?
                while true {
                    let index = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard index < requests.count else { break }
                    let sent = DispatchTime.now().uptimeNanoseconds
                    if connection == nil { connection = LoadConnection(host: host, port: port) }
                    guard let open = connection, let response = open.exchange(requests[index]) else {
                        connection = nil
                        result.failures += 1
                        continue
                    }
                    result.latencies.append(Double(DispatchTime.now().uptimeNanoseconds - sent) / 1e9)
                    result.statuses[response.status, default: 0] += 1
                    if response.closes { connection = nil }
                }
                shared.results.withLock { $0.append(result) }
                group.leave()
            }
            thread.stackSize = 1 << 20
            thread.start()
        }
        group.wait()
        var total = Result()
        for result in shared.results.withLock({ $0 }) { total.merge(result) }
        total.seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return total
    }

    /// What the worker threads share: the next request to take, and each one's result at its end.
    private final class SharedState: Sendable {
        let next = Atomic<Int>(0)
        let results = Mutex<[Result]>([])
    }

    /// A request head for `body` with the given extra header lines (each ending in CRLF).
    static func request(method: String = "POST", path: String, headers: String, body: [UInt8]) -> [UInt8] {
        Array("\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\n\(headers)Content-Length: \(body.count)\r\n\r\n".utf8) + body
    }
}

/// One blocking keep-alive connection: send a request, read one response (Content-Length or
/// chunked body). Used by one thread at a time.
final class LoadConnection {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private var chunk = [UInt8](repeating: 0, count: 64 * 1024)

    init?(host: String, port: Int) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: 60, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        guard connected == 0 else {
            close(fd)
            return nil
        }
    }

    deinit { close(fd) }

    func exchange(_ request: [UInt8]) -> (status: Int, closes: Bool)? {
        var offset = 0
        while offset < request.count {
            let sent = request.withUnsafeBytes { send(fd, $0.baseAddress! + offset, request.count - offset, Int32(MSG_NOSIGNAL)) }
            guard sent > 0 else { return nil }
            offset += sent
        }
        return readResponse()
    }

    private func fill() -> Bool {
        let count = recv(fd, &chunk, chunk.count, 0)
        guard count > 0 else { return false }
        buffer.append(contentsOf: chunk[0..<count])
        return true
    }

    private func find(_ needle: [UInt8], from start: Int = 0) -> Int? {
        guard buffer.count >= start + needle.count else { return nil }
        var index = start
        while index <= buffer.count - needle.count {
            if buffer[index] == needle[0] && buffer[index..<(index + needle.count)].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private func readResponse() -> (status: Int, closes: Bool)? {
        var headEnd: Int?
        while true {
            headEnd = find([13, 10, 13, 10])
            if headEnd != nil { break }
            guard fill() else { return nil }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).lowercased()
        buffer.removeFirst(headEnd! + 4)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        func field(_ name: String) -> String? {
            lines.dropFirst().first { $0.hasPrefix(name + ":") }.map { $0.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces) }
        }
        let closes = field("connection") == "close"
        if let length = field("content-length").flatMap(Int.init) {
            while buffer.count < length { guard fill() else { return nil } }
            buffer.removeFirst(length)
        } else if field("transfer-encoding") == "chunked" {
            while true {
                var lineEnd = find([13, 10])
                while lineEnd == nil {
                    guard fill() else { return nil }
                    lineEnd = find([13, 10])
                }
                let sizeText = String(decoding: buffer[0..<lineEnd!], as: UTF8.self).split(separator: ";").first ?? ""
                guard let size = Int(sizeText.trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
                buffer.removeFirst(lineEnd! + 2)
                // The last chunk is followed by (no) trailers and an empty line.
                while buffer.count < size + 2 { guard fill() else { return nil } }
                buffer.removeFirst(size + 2)
                if size == 0 { break }
            }
        }
        return (status, closes)
    }
}
