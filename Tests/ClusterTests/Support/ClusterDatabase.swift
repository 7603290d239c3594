import Foundation
@testable import GatewayStore

/// A PostgreSQL database of its own for one cluster test, in the server `IOP_TEST_POSTGRES_URL`
/// names (`.ci/run` starts one), so tests that run at once never see each other's rows; dropped
/// (with `FORCE`, past any connection a killed gateway left) when the test ends.
struct ClusterDatabase {
    static let adminURL: String? = ProcessInfo.processInfo.environment["IOP_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }

    static let absentMessage =
        "set IOP_TEST_POSTGRES_URL (e.g. postgres://postgres@127.0.0.1:55432/postgres; .ci/run starts such a server) to run the cluster tests: skipped"

    let name: String
    /// The database's URL: the admin URL with its path replaced.
    let url: String

    static func create() throws -> ClusterDatabase {
        guard let adminURL, var components = URLComponents(string: adminURL) else {
            throw StoreError.misuse("IOP_TEST_POSTGRES_URL is not set or not a URL")
        }
        let name = "iop_cluster_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try PostgresConnection(url: adminURL).execute("CREATE DATABASE \(name)", purpose: "create test database")
        components.path = "/" + name
        return ClusterDatabase(name: name, url: components.string ?? adminURL)
    }

    /// A store in this process on the same database (the test's view of what the gateways did);
    /// reach it with `readAsync`/`writeAsync`, off the cooperative pool.
    func openStore() async throws -> PostgresGatewayStore {
        try await offPool { [url] in try PostgresGatewayStore(url: url) }
    }

    func drop() {
        guard let adminURL = Self.adminURL, let connection = try? PostgresConnection(url: adminURL) else { return }
        try? connection.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", purpose: "drop test database")
    }
}

/// Runs `body` with a fresh database, dropped afterwards.
func withClusterDatabase<T>(_ body: (ClusterDatabase) async throws -> T) async throws -> T {
    let database = try await offPool { try ClusterDatabase.create() }
    do {
        let result = try await body(database)
        await onThread { database.drop() }
        return result
    } catch {
        await onThread { database.drop() }
        throw error
    }
}
