import Foundation

/// Files and folders that hold patient data on the host — the SQLite store and its `-wal` and
/// `-shm`, import reports, quarantined inputs, the clients file — are created readable by their
/// owner only: folders `0700`, files `0600`, whatever the process's umask, never world-readable
/// for an instant (the mode is set at `open`, not afterwards).
public enum PrivateFile {
    public static let folderMode: mode_t = 0o700
    public static let fileMode: mode_t = 0o600

    /// Creates `path` and any missing parents with mode 0700; an existing folder is left as it is
    /// (see `looselyProtected`).
    public static func createFolder(_ path: String) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue { return }
        let parent = (path as NSString).deletingLastPathComponent
        if !parent.isEmpty, parent != path { try createFolder(parent) }
        guard mkdir(path, folderMode) == 0 || errno == EEXIST else {
            throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path])
        }
        // mkdir applies the umask; the mode is set again so that a loose umask changes nothing.
        chmod(path, folderMode)
    }

    /// Writes `data` to `path` through a temporary file created 0600, synced, then renamed over
    /// it: a crash leaves the old file or the new one, complete.
    public static func write(_ data: Data, to path: String) throws {
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        guard descriptor >= 0 else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
        fchmod(descriptor, fileMode)
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        do {
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            unlink(temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }

    /// Creates an empty file 0600 unless one exists (SQLite then gives its `-wal` and `-shm`
    /// the database file's mode).
    public static func createIfAbsent(_ path: String) throws {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, fileMode)
        if descriptor < 0 {
            guard errno == EEXIST else { throw CocoaError(.fileWriteNoPermission, userInfo: [NSFilePathErrorKey: path]) }
            return
        }
        fchmod(descriptor, fileMode)
        close(descriptor)
    }

    /// `folder` and the files directly in it that group or others may read, write or enter,
    /// with their modes: what `serve` and `import` warn about at start.
    public static func looselyProtected(_ folder: String) -> [(path: String, mode: mode_t)] {
        var found: [(String, mode_t)] = []
        func check(_ path: String) {
            var status = stat()
            guard lstat(path, &status) == 0, status.st_mode & 0o077 != 0 else { return }
            found.append((path, status.st_mode & 0o777))
        }
        check(folder)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder))?.sorted() ?? [] {
            check((folder as NSString).appendingPathComponent(name))
        }
        return found
    }
}
