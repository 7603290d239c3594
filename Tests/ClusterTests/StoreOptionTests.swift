import Foundation
import Testing

extension ClusterTests {
    /// `--store postgres://…` on the command line: the password in the URL reaches libpq and is
    /// never printed, neither in `serve`'s "listening on" line nor in an error.
    @Suite("Cluster: --store and its password")
    struct StoreOptionTests {
        static let password = "Pw-" + UUID().uuidString.prefix(8)

        @Test("an unreachable server: the error names host and port, not the password; a wrong scheme is a usage error",
              .enabled(if: GatewayProcess.executable != nil, Comment(rawValue: GatewayProcess.absentMessage)))
        func errorWithoutPassword() async throws {
            let folder = try temporaryFolder("store-option")
            defer { try? FileManager.default.removeItem(at: folder) }
            // Port 1 on loopback: nothing listens there.
            let url = "postgres://gateway:\(Self.password)@127.0.0.1:1/iop?password=\(Self.password)"
            for command in [["queue", "status"], ["deliver", "--once", "--endpoint", "pcp=http://127.0.0.1:9/fhir"], ["import", folder.path]] {
                let process = try GatewayProcess.start(command + ["--store", url], name: command[0], in: folder)
                // import's exit 4: the run could not go on (nothing was refused; it resumes when run again).
                #expect(try await process.exit(within: .seconds(120)) == (command[0] == "import" ? 4 : 1), "\(command[0]): \(process.tail)")
                let output = process.lines.joined(separator: "\n")
                #expect(output.contains("127.0.0.1"), "\(command[0]): \(output)")
                #expect(!output.contains(Self.password), "\(command[0]) printed the password: \(output)")
            }
            let wrong = try GatewayProcess.start(["queue", "status", "--store", "mysql://gateway@db/iop"], name: "wrong", in: folder)
            #expect(try await wrong.exit(within: .seconds(120)) == 2)
            #expect(wrong.lines.joined().contains("postgres://"), "\(wrong.tail)")
        }

        @Test("serve on PostgreSQL: the listening line shows the URL with *** for the password",
              .enabled(if: ClusterFixtures.enabled, ClusterFixtures.skipReason))
        func listeningLineWithoutPassword() async throws {
            try await withClusterDatabase { database in
                let folder = try temporaryFolder("store-option-serve")
                defer { try? FileManager.default.removeItem(at: folder) }
                // The test server trusts loopback, so any password is accepted.
                guard var components = URLComponents(string: database.url) else { throw ClusterTestError("not a URL: \(database.url)") }
                components.password = Self.password
                let url = try #require(components.string)
                let clients = try ClusterFixtures.writeClients(in: folder)
                let process = try GatewayProcess.start(
                    ["serve", "--port", "0", "--store", url, "--config", clients, "--profiles", ClusterFixtures.profiles], name: "serve", in: folder)
                defer { process.stop() }
                _ = try await process.listeningPort()
                let line = try #require(process.lines.first { $0.hasPrefix("listening on ") })
                #expect(line.contains(":***@"), "\(line)")
                #expect(!line.contains(Self.password), "\(line)")
                process.send(SIGTERM)
                #expect(try await process.exit(within: .seconds(120)) == 0, "\(process.tail)")
                #expect(!process.lines.joined(separator: "\n").contains(Self.password))
            }
        }
    }
}
