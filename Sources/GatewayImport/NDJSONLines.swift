import Foundation

/// Reads NDJSON one line at a time through a fixed buffer, so a file of any size is imported in
/// constant memory (the largest line aside). Lines are handed out as byte arrays with their
/// 1-based number and the byte offset just past them, which the ledger records to resume.
public struct NDJSONLines: ~Copyable {
    /// Where the bytes come from: a file, or memory handed out `chunk` bytes at a time (the
    /// fuzz harness, which cuts the input at every size to reach the buffer's edges).
    private enum Source {
        case file(FileHandle)
        case memory([UInt8], chunk: Int, next: Int)
    }

    private var source: Source
    private let path: String
    private let maxLineBytes: Int
    private var buffer: [UInt8] = []
    private var position = 0
    private var atEnd = false
    public private(set) var lineNumber = 0
    /// Bytes consumed so far: the offset just past the last line handed out.
    public private(set) var offset: UInt64

    /// Opens the file at a byte offset (0, or where a previous run stopped) and line number.
    public init(url: URL, startingAt offset: UInt64 = 0, lineNumber: Int = 0, maxLineBytes: Int = 128 << 20) throws(ImportError) {
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw ImportError.unreadable(url.path) }
        if offset > 0 {
            do { try handle.seek(toOffset: offset) } catch { throw ImportError.unreadable(url.path) }
        }
        self.source = .file(handle)
        self.path = url.path
        self.maxLineBytes = maxLineBytes
        self.offset = offset
        self.lineNumber = lineNumber
    }

    /// Lines of `bytes`, read `chunk` bytes at a time.
    public init(bytes: [UInt8], chunk: Int, maxLineBytes: Int = 128 << 20) {
        source = .memory(bytes, chunk: max(1, chunk), next: 0)
        path = "(memory)"
        self.maxLineBytes = maxLineBytes
        offset = 0
    }

    deinit {
        if case .file(let handle) = source { try? handle.close() }
    }

    /// The next non-blank line (without its line break), or `nil` at the end of the file.
    public mutating func next() throws(ImportError) -> [UInt8]? {
        while true {
            if let newline = buffer[position...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[position..<newline])
                offset += UInt64(newline - position + 1)
                position = newline + 1
                lineNumber += 1
                if isBlank(line) { continue }
                return trimCarriageReturn(line)
            }
            if atEnd {
                guard position < buffer.count else { return nil }
                let line = Array(buffer[position...])
                offset += UInt64(line.count)
                position = buffer.count
                lineNumber += 1
                return isBlank(line) ? nil : trimCarriageReturn(line)
            }
            if buffer.count - position > maxLineBytes {
                throw ImportError.lineTooLong(file: path, line: lineNumber + 1)
            }
            try refill()
        }
    }

    private mutating func refill() throws(ImportError) {
        if position > 0 {
            buffer.removeSubrange(0..<position)
            position = 0
        }
        switch source {
        case .file(let handle):
            let chunk: Data?
            do { chunk = try handle.read(upToCount: 1 << 20) } catch { throw ImportError.unreadable(path) }
            guard let chunk, !chunk.isEmpty else {
                atEnd = true
                return
            }
            buffer.append(contentsOf: chunk)
        case .memory(let bytes, let chunk, let next):
            guard next < bytes.count else {
                atEnd = true
                return
            }
            let end = min(bytes.count, next + chunk)
            buffer.append(contentsOf: bytes[next..<end])
            source = .memory(bytes, chunk: chunk, next: end)
        }
    }

    private func isBlank(_ line: [UInt8]) -> Bool {
        line.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }
    }

    private func trimCarriageReturn(_ line: [UInt8]) -> [UInt8] {
        line.last == 0x0D ? Array(line.dropLast()) : line
    }
}
