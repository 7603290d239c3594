import Foundation
import GatewayStore
import GatewayTestSupport
import Testing

/// Patient data at rest on the host (issue 18): the data folder is 0700 and the store, its -wal
/// and -shm, the import report and quarantined inputs are 0600, whatever the umask; a data folder
/// left readable by others gets a warning that says how to fix it and nothing else.
@Suite("Data at rest: folder 0700, files 0600", .serialized)
struct DataAtRestTests {
    static let gateway = BuiltExecutable.url(named: "fhir-gateway")

    static func mode(_ path: String) -> mode_t? {
        var status = stat()
        return lstat(path, &status) == 0 ? status.st_mode & 0o777 : nil
    }

    private func run(_ arguments: [String]) throws -> (status: Int32, stderr: String) {
        let process = Process()
        process.executableURL = Self.gateway
        process.arguments = arguments
        process.currentDirectoryURL = SharedData.repositoryRoot
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    @Test("a library user's store is 0600 with its -wal and -shm, even under umask 022")
    func storeFilesUnderLooseUmask() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("at-rest-\(UUID().uuidString)")
        let previous = umask(0o022)
        defer {
            umask(previous)
            try? FileManager.default.removeItem(at: folder)
        }
        try PrivateFile.createFolder(folder.appendingPathComponent("nested/data").path)
        #expect(Self.mode(folder.path) == 0o700)
        #expect(Self.mode(folder.appendingPathComponent("nested/data").path) == 0o700)
        let path = folder.appendingPathComponent("nested/data/gateway.sqlite").path
        let store = try SQLiteGatewayStore(path: path)
        _ = try store.write { try $0.create(type: "Basic", id: "b1", body: Data("{}".utf8), index: SearchIndex()) }
        for file in [path, path + "-wal", path + "-shm"] {
            #expect(Self.mode(file) == 0o600, "\(file)")
        }
        try PrivateFile.write(Data("x".utf8), to: folder.appendingPathComponent("report.json").path)
        #expect(Self.mode(folder.appendingPathComponent("report.json").path) == 0o600)
        withExtendedLifetime(store) {}
    }

    @Test("fhir-gateway import: data folder, store, report and quarantine are private; a loose folder is warned about",
          .enabled(if: gateway != nil, "the fhir-gateway executable was not built beside the tests: skipped"))
    func importCommand() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("at-rest-import-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let bad = work.appendingPathComponent("inputs/refused.json")
        try FileManager.default.createDirectory(at: bad.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(#"{"resourceType":"Patient","birthDate":"not a date"}"#.utf8).write(to: bad)
        chmod(bad.path, 0o644)
        let data = work.appendingPathComponent("var").path
        let report = work.appendingPathComponent("var/report.json").path
        let quarantine = work.appendingPathComponent("var/quarantine").path
        let first = try run(["import", "SampleBundles/referrals/01-depression-ssri-referral.json", bad.path,
                             "--data", data, "--report", report, "--quarantine", quarantine])
        #expect(first.status == 1, "one file is refused on purpose: \(first.stderr)")
        #expect(!first.stderr.contains("warning:"), "a folder the gateway made is not warned about")
        #expect(Self.mode(data) == 0o700)
        for file in ["gateway.sqlite", "report.json"] {
            #expect(Self.mode(data + "/" + file) == 0o600, "\(file)")
        }
        #expect(Self.mode(quarantine) == 0o700)
        let quarantined = try FileManager.default.contentsOfDirectory(atPath: quarantine)
        #expect(quarantined.sorted() == ["refused.json", "refused.outcome.json"])
        for file in quarantined { #expect(Self.mode(quarantine + "/" + file) == 0o600, "\(file)") }

        // A folder made by hand (or by an earlier version) with looser modes: a warning, the fix.
        chmod(data, 0o755)
        chmod(data + "/gateway.sqlite", 0o644)
        let second = try run(["import", "SampleBundles/referrals/01-depression-ssri-referral.json", "--data", data])
        #expect(second.status == 0)
        #expect(second.stderr.contains("warning: \(data) has mode 755") && second.stderr.contains("chmod 700 \(data)"))
        #expect(second.stderr.contains("chmod 600 \(data)/gateway.sqlite"))
    }
}
