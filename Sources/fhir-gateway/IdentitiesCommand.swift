import FHIRCore
import FHIRValidation
import Foundation
import GatewayIntake
import GatewayStore
import IOPDomain
import IOPMapping

/// `fhir-gateway identities list|show|merge|keep-apart [ID] [--all] [--by NAME] [--data DIR | --store URL]
/// [--profiles DIR] [--identity-policy FILE]`: inputs held because their participant may be someone
/// on record. `list` shows those waiting (`--all`: decided ones too), `show ID` the conflict (ids
/// and field names, never values), `merge ID` processes the input as the same person as the
/// stored participant, `keep-apart ID` as another person, remembering the pair. Each decision is
/// audited under `--by` (default `$USER`). Exit 0; 1 when the held input is unknown, already
/// decided, or held again by another conflict; 2 for usage.
enum IdentitiesCommand {
    struct Options {
        var action = ""
        var id = ""
        var all = false
        var actor = ProcessInfo.processInfo.environment["USER"].map { "staff:" + $0 } ?? "staff"
        var storeFlags = StoreFlags()
        var location = StoreLocation.sqlite(folder: "var")
        var profileFolder: String?
        var identityPolicy: String?
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "identities", parse) else { return 2 }
        do {
            let store = try options.location.open()
            defer { try? store.close() }
            switch options.action {
            case "list":
                let held = try store.read { try $0.heldInputs(status: options.all ? nil : .held, limit: 10_000) }
                print("\(held.count) held input\(held.count == 1 ? "" : "s")" + (options.all ? "" : " waiting for a decision"))
                for item in held {
                    print("\(item.id)  \(item.status.rawValue)  \(ReportDate.minute(item.heldAt.date))  stored \(item.storedParticipant)"
                          + "  incoming \(item.incomingParticipant)  \(item.fields.joined(separator: ","))")
                }
                return 0
            case "show":
                guard let item = try store.read({ try $0.heldInput(id: options.id) }) else {
                    printError("fhir-gateway identities: no held input \(options.id)")
                    return 1
                }
                print("held input \(item.id): \(item.status.rawValue)")
                print("  from: \(item.origin)")
                print("  stored participant: \(item.storedParticipant)")
                print("  incoming participant: \(item.incomingParticipant)")
                print("  fields: \(item.fields.joined(separator: ", "))")
                print("  held at: \(ReportDate.minute(item.heldAt.date))")
                if let at = item.resolvedAt { print("  decided: \(ReportDate.minute(at.date)) by \(item.resolvedBy ?? "?")") }
                print(String(decoding: item.outcome, as: UTF8.self))
                return 0
            default:
                let verdict: IdentityVerdict = options.action == "merge" ? .samePerson : .keptApart
                let registry = try ProfileFolder.load(options.profileFolder)
                let policy = try IdentityPolicyFile.load(options.identityPolicy)
                let intake = Intake(
                    validator: DocumentValidator(validator: FHIRValidator(registry: registry)),
                    mapper: FHIRInboundMapper(configuration: .init(identityPolicy: policy)),
                    context: MappingContext.store(store), identityPolicy: policy)
                switch try IdentityReview.resolve(id: options.id, as: verdict, by: options.actor, intake: intake, store: store) {
                case .processed:
                    print("\(options.id): \(verdict == .samePerson ? "merged" : "kept apart"); the input is processed")
                    return 0
                case .heldAgain(let next):
                    print("\(options.id): decided, but the input meets another conflict and is held again as \(next.id)")
                    return 1
                case .refused(let issues):
                    print("\(options.id): decided, but the input is refused: "
                          + (issues.first { $0.isError }?.description ?? "no reason given"))
                    return 1
                }
            }
        } catch {
            printError("fhir-gateway identities: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        guard let action = arguments.next(), ["list", "show", "merge", "keep-apart"].contains(action) else {
            throw UsageError(description: "say list, show ID, merge ID or keep-apart ID")
        }
        options.action = action
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--all": options.all = true
            case "--by": options.actor = "staff:" + (try arguments.value(for: argument))
            case "--profiles": options.profileFolder = try arguments.value(for: argument)
            case "--identity-policy": options.identityPolicy = try arguments.value(for: argument)
            default: try CommandArguments.takePositional(argument, into: &options.id)
            }
        }
        if action != "list", options.id.isEmpty { throw UsageError(description: "\(action) needs the held input's id") }
        options.location = try options.storeFlags.location()
        return options
    }
}
