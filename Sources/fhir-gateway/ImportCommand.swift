import FHIRCore
import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import IOPMapping

/// `fhir-gateway import <paths…> [--data DIR] [--jobs N] [--dry-run] [--report FILE]
/// [--quarantine DIR] [--profiles DIR] [--identity-policy FILE] [--store postgres://…]`: folders
/// (recursive) and files of Bundles and single resources (JSON or XML) and NDJSON, into the
/// store under `--data` (default `./var`) or the PostgreSQL database `--store` names.
/// No input stops the run; `--report` is written whatever happens. Exit codes: `ExitStatus`.
enum ImportCommand {
    struct Options {
        var paths: [String] = []
        var storeFlags = StoreFlags()
        var jobs = 2
        var dryRun = false
        var report: String?
        var quarantine: String?
        var profileFolder: String?
        var identityPolicy: String?
        var location = StoreLocation.sqlite(folder: "var")
    }

    static func run(_ arguments: [String]) async -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "import", parse) else { return 2 }
        guard !options.paths.isEmpty else {
            printError("fhir-gateway import: name at least one file or folder")
            return 2
        }
        var report = ImportReport()
        defer { write(report, to: options.report) }
        do {
            let sources = try ImportSource.discover(options.paths)
            let registry = try ProfileFolder.load(options.profileFolder)
            let policy = try IdentityPolicyFile.load(options.identityPolicy)
            let store: (any GatewayStore)? = options.dryRun ? nil : try options.location.open()
            let intake = Intake(
                validator: DocumentValidator(validator: FHIRValidator(registry: registry)),
                mapper: FHIRInboundMapper(configuration: .init(identityPolicy: policy)),
                context: store.map(MappingContext.store), identityPolicy: policy)
            let importer = Importer(
                intake: intake, store: store,
                options: ImportOptions(
                    jobs: options.jobs, dryRun: options.dryRun,
                    quarantine: options.quarantine.map { URL(fileURLWithPath: $0) }))
            let interrupt = StopSignals(announcing: "stopping after the current unit of work") { importer.requestStop() }
            report = await importer.run(sources, progress: ImportProgress())
            interrupt.cancel()
        } catch {
            report.failure = options.location.redacted("\(error)")
        }
        print(report.summary)
        let here = FileManager.default.currentDirectoryPath + "/"
        func shown(_ path: String, _ line: Int?) -> String {
            (path.hasPrefix(here) ? String(path.dropFirst(here.count)) : path) + (line.map { " line \($0)" } ?? "")
        }
        for refusal in report.refusals.prefix(20) {
            print("refused: \(shown(refusal.path, refusal.line)): " + (refusal.issues.first { $0.isError }?.description ?? ""))
        }
        if report.refusals.count > 20 { print("… \(report.refusals.count - 20) more refusals in --report") }
        for hold in report.held.prefix(20) {
            print("held \(hold.heldID): \(shown(hold.path, hold.line)): " + (hold.issues.first?.message ?? ""))
        }
        if report.held.count > 20 { print("… \(report.held.count - 20) more held inputs: fhir-gateway identities list") }
        if let failure = report.failure { printError("fhir-gateway import: \(failure)") }
        return ExitStatus(report).rawValue
    }

    /// The exit status: what a script can branch on without reading the report.
    enum ExitStatus: Int32 {
        /// Everything was imported (or already was).
        case clean = 0
        /// Something was refused (a file, an NDJSON line); anything held is also in the report.
        case refused = 1
        /// Nothing refused, but something is held for identity review (`identities list`).
        case held = 3
        /// The run could not go on (the store failed, a path is missing); the report says how far it got.
        case failed = 4
        /// Stopped by Ctrl-C or SIGTERM; what was committed stays, running again finishes.
        case interrupted = 130

        init(_ report: ImportReport) {
            if report.failure != nil { self = .failed }
            else if report.interrupted { self = .interrupted }
            else if !report.refusals.isEmpty || report.refusalsNotKept > 0 { self = .refused }
            else if !report.held.isEmpty { self = .held }
            else { self = .clean }
        }
    }

    private static func write(_ report: ImportReport, to path: String?) {
        guard let path else { return }
        do {
            try PrivateFile.write(report.json(), to: path)
        } catch {
            printError("fhir-gateway import: cannot write the report to \(path)")
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--jobs": options.jobs = try arguments.positiveInteger(for: argument)
            case "--dry-run": options.dryRun = true
            case "--report": options.report = try arguments.value(for: argument)
            case "--quarantine": options.quarantine = try arguments.value(for: argument)
            case "--profiles": options.profileFolder = try arguments.value(for: argument)
            case "--identity-policy": options.identityPolicy = try arguments.value(for: argument)
            default:
                guard !argument.hasPrefix("-") else { throw UsageError(description: "unexpected option '\(argument)'") }
                options.paths.append(argument)
            }
        }
        options.location = try options.storeFlags.location()
        return options
    }
}
