import FHIRCore
import FHIRJSON
import FHIRValidation
import Foundation

/// `fhir-gateway validate <files…> [--profile URL]… [--profiles DIR] [--json] [--lenient]`: one
/// verdict per file, as text for a person or as FHIR for a program (an OperationOutcome for one
/// file; for several, a collection Bundle whose entries are the OperationOutcomes with the
/// file's URL as `fullUrl`). Profiles come from `--profiles`, else `$IOP_GATEWAY_PROFILES`, else
/// `./Profiles`. Exit 0 when no file has an error, 1 otherwise, 2 for a usage error.
enum ValidateCommand {
    struct Options {
        var files: [String] = []
        var json = false
        var mode = ReadMode.strict
        var profiles: [String] = []
        var profileFolder: String?
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "validate", parse) else { return 2 }
        guard !options.files.isEmpty else {
            printError("fhir-gateway validate: name at least one file")
            return 2
        }
        let registry: ProfileRegistry
        do {
            registry = try ProfileFolder.load(options.profileFolder)
        } catch {
            printError("fhir-gateway validate: profiles: \(error)")
            return 2
        }
        for url in options.profiles where registry.profiles[url] == nil {
            printError("fhir-gateway validate: unknown profile \(url); known: "
                       + registry.profiles.keys.sorted().joined(separator: ", "))
            return 2
        }
        let validator = DocumentValidator(validator: FHIRValidator(registry: registry), mode: options.mode)
        var anyErrors = false
        var outcomes: [(file: String, outcome: FHIRElement)] = []
        for file in options.files {
            let issues: [Issue]
            if let bytes = FileManager.default.contents(atPath: file) {
                issues = validator.validate(Array(bytes), profiles: options.profiles).issues
            } else {
                issues = [Issue(.fatal, .notFound, "the file cannot be read")]
            }
            anyErrors = anyErrors || issues.containsErrors
            if options.json {
                outcomes.append((file, issues.operationOutcome()))
            } else {
                printVerdict(file: file, issues: issues)
            }
        }
        if options.json { printJSON(outcomes) }
        return anyErrors ? 1 : 0
    }

    private static func printVerdict(file: String, issues: [Issue]) {
        let errors = issues.filter(\.isError).count
        let warnings = issues.filter { $0.severity == .warning }.count
        let verdict = errors == 0 ? "valid" : "invalid"
        print("\(file): \(verdict) (\(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s"))")
        for issue in issues.sorted(by: { $0.severity < $1.severity }) { print("  " + issue.description) }
    }

    private static func printJSON(_ outcomes: [(file: String, outcome: FHIRElement)]) {
        let document: FHIRElement
        if outcomes.count == 1 {
            document = outcomes[0].outcome
        } else {
            document = .resource("Bundle", children: [
                FHIRElement(name: "type", value: "collection", form: .primitive),
            ] + outcomes.map { file, outcome in
                FHIRElement(name: "entry", children: [
                    FHIRElement(name: "fullUrl", value: URL(fileURLWithPath: file).absoluteString, form: .primitive),
                    FHIRElement(name: "resource", resourceType: "OperationOutcome", children: outcome.children),
                ], form: .list)
            })
        }
        FileHandle.standardOutput.write(Data(FHIRJSONWriter(pretty: true).write(document)))
        FileHandle.standardOutput.write(Data("\n".utf8))
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            switch argument {
            case "--json": options.json = true
            case "--lenient": options.mode = .lenient
            case "--profile": options.profiles.append(try arguments.value(for: argument))
            case "--profiles": options.profileFolder = try arguments.value(for: argument)
            default:
                guard !argument.hasPrefix("-") else {
                    throw UsageError(description: "unexpected option '\(argument)'")
                }
                options.files.append(argument)
            }
        }
        return options
    }
}
