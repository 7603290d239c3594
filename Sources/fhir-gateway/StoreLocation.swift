import Foundation
import GatewayStore

/// Where a command's store is: by default `<--data>/gateway.sqlite` (one process, one IOP), or
/// with `--store postgres://…` one PostgreSQL database that several gateway processes share
/// (ARCHITECTURE.md decision 5).
///
/// A password in the URL reaches libpq and nothing else: `description`, the "listening on"
/// line and every error the commands print show the URL with the password as `***`.
/// (`PGPASSWORD` or `~/.pgpass`, which libpq reads itself, keep it off the command line.)
enum StoreLocation: CustomStringConvertible {
    case sqlite(folder: String)
    case postgres(url: String)

    /// `--store` when given, else the SQLite file under `--data`.
    init(store: String?, data: String) throws(UsageError) {
        guard let store else {
            self = .sqlite(folder: data)
            return
        }
        guard store.hasPrefix("postgres://") || store.hasPrefix("postgresql://") else {
            throw UsageError(description: "--store takes a postgres://user@host:port/database URL (without it, the SQLite store under --data)")
        }
        self = .postgres(url: store)
    }

    /// Opens the store, bringing its schema up to date (safe when several processes start at once).
    func open() throws -> any CommandStore {
        switch self {
        case .sqlite(let folder):
            try PrivateFile.createFolder(folder)
            Self.warnIfLooselyProtected(folder)
            return try SQLiteGatewayStore(path: (folder as NSString).appendingPathComponent("gateway.sqlite"))
        case .postgres(let url):
            do {
                return try PostgresGatewayStore(url: url)
            } catch {
                throw RedactedError(description: redacted("\(error)"))
            }
        }
    }

    /// A data folder made by an earlier version (or by hand) that other users of the host can
    /// read: said once at start, with the fix; the modes are the operator's to change.
    static func warnIfLooselyProtected(_ folder: String) {
        for (path, mode) in PrivateFile.looselyProtected(folder) {
            printError("warning: \(path) has mode \(String(mode, radix: 8)) and holds patient data; "
                       + "other users of this host can read it: chmod \(isFolder(path) ? "700" : "600") \(path)")
        }
    }

    private static func isFolder(_ path: String) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) && isDirectory.boolValue
    }

    /// `data: var/gateway.sqlite` or `store: postgres://gateway:***@db:5432/iop`.
    var description: String {
        switch self {
        case .sqlite(let folder): "data: \((folder as NSString).appendingPathComponent("gateway.sqlite"))"
        case .postgres: "store: \(redacted(self.url))"
        }
    }

    private var url: String {
        if case .postgres(let url) = self { return url }
        return ""
    }

    /// `text` with the URL's password, in either of its spellings (the authority's
    /// `user:password@` and a `password=` query parameter), replaced by `***`.
    func redacted(_ text: String) -> String {
        var result = text
        for password in Self.passwords(in: url) where !password.isEmpty {
            result = result.replacingOccurrences(of: password, with: "***")
            if let decoded = password.removingPercentEncoding, !decoded.isEmpty {
                result = result.replacingOccurrences(of: decoded, with: "***")
            }
        }
        return result
    }

    /// The passwords a libpq URL carries, as written (percent-encoded).
    static func passwords(in url: String) -> [String] {
        guard let scheme = url.range(of: "://") else { return [] }
        var found: [String] = []
        let rest = url[scheme.upperBound...]
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            found.append(String(authority[authority.index(after: colon)..<at]))
        }
        if let query = rest.firstIndex(of: "?") {
            for pair in rest[rest.index(after: query)...].split(separator: "&") where pair.hasPrefix("password=") {
                found.append(String(pair.dropFirst("password=".count)))
            }
        }
        return found
    }
}

/// An error whose text was already made safe to print.
struct RedactedError: Error, CustomStringConvertible {
    let description: String
}

/// What the commands need of a store beyond units of work.
protocol CommandStore: GatewayStore {
    /// Whether the schema is at the version this build writes (`/readyz`).
    func migrationsDone() throws -> Bool
    /// Leaves the store tidy on a clean exit (SQLite copies its WAL into the file).
    func close() throws
}

extension SQLiteGatewayStore: CommandStore {
    func migrationsDone() throws -> Bool { try currentSchemaVersion() == Self.schemaVersion }
    func close() throws { try checkpoint() }
}

extension PostgresGatewayStore: CommandStore {
    func migrationsDone() throws -> Bool { try currentSchemaVersion() == Self.schemaVersion }
    /// Nothing to do: the server owns durability; the pool's connections close with the process.
    func close() throws {}
}
