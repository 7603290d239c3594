import FHIRCore
import FHIRValidation
import Foundation
import GatewayImport
import GatewayIntake
import GatewayStore
import IOPMapping

/// `fhir-gateway import <paths…> [--data DIR] [--jobs N] [--dry-run] [--report FILE]
/// [--quarantine DIR] [--profiles DIR] [--store postgres://…]`: folders (recursive) and files of
/// Bundles and single resources (JSON or XML) and NDJSON, into the store under `--data`
/// (default `./var`) or the PostgreSQL database `--store` names.
/// Exit 0 when nothing was refused, 1 when something was, 130 when stopped by Ctrl-C (what was
/// committed stays; running again finishes the job), 2 for a usage error.
enum ImportCommand {
    struct Options {
        var paths: [String] = []
        var storeFlags = StoreFlags()
        var jobs = 2
        var dryRun = false
        var report: String?
        var quarantine: String?
        var profileFolder: String?
        var location = StoreLocation.sqlite(folder: "var")
    }

    static func run(_ arguments: [String]) async -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "import", parse) else { return 2 }
        guard !options.paths.isEmpty else {
            printError("fhir-gateway import: name at least one file or folder")
            return 2
        }
        do {
            let sources = try ImportSource.discover(options.paths)
            let registry = try ProfileFolder.load(options.profileFolder)
            let store: (any GatewayStore)? = options.dryRun ? nil : try options.location.open()
            let intake = Intake(
                validator: DocumentValidator(validator: FHIRValidator(registry: registry)), mapper: FHIRInboundMapper(),
                context: store.map(MappingContext.store))
            let importer = Importer(
                intake: intake, store: store,
                options: ImportOptions(
                    jobs: options.jobs, dryRun: options.dryRun,
                    quarantine: options.quarantine.map { URL(fileURLWithPath: $0) }))
            let interrupt = StopSignals(announcing: "stopping after the current unit of work") { importer.requestStop() }
            let report = try await importer.run(sources, progress: ImportProgress())
            interrupt.cancel()
            print(report.summary)
            let here = FileManager.default.currentDirectoryPath + "/"
            for refusal in report.refusals.prefix(20) {
                let path = refusal.path.hasPrefix(here) ? String(refusal.path.dropFirst(here.count)) : refusal.path
                let line = refusal.line.map { " line \($0)" } ?? ""
                print("refused: \(path)\(line): " + (refusal.issues.first { $0.isError }?.description ?? ""))
            }
            if report.refusals.count > 20 { print("… \(report.refusals.count - 20) more refusals in --report") }
            if let path = options.report {
                try report.json().write(to: URL(fileURLWithPath: path), options: .atomic)
            }
            if report.interrupted { return 130 }
            return report.refusals.isEmpty && report.refusalsNotKept == 0 ? 0 : 1
        } catch {
            printError("fhir-gateway import: " + options.location.redacted("\(error)"))
            return 1
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
            default:
                guard !argument.hasPrefix("-") else { throw UsageError(description: "unexpected option '\(argument)'") }
                options.paths.append(argument)
            }
        }
        options.location = try options.storeFlags.location()
        return options
    }
}
