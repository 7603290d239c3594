import Foundation
import GatewayStore
import IOPDomain
import PCPUpdates
import IOPMapping

/// `fhir-gateway disclosures <participant> [--data DIR | --store postgres://…]`: the participant's accounting of
/// disclosures (45 CFR 164.528, 42 CFR 2.24): what was sent, to which practice, when, under
/// which consent, and what was queued but withheld and why. Prints codes and ids, no content.
enum DisclosuresCommand {
    struct Options {
        var storeFlags = StoreFlags()
        var location = StoreLocation.sqlite(folder: "var")
        var participant = ""
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "disclosures", parse) else { return 2 }
        do {
            let store = try options.location.open()
            defer { try? store.close() }
            let report = try store.read { reader -> [String]? in
                guard let key = try ParticipantLookup.key(for: options.participant, in: reader) else { return nil }
                let id = Participant.ID(key)
                let made = try DisclosureLog.disclosures(of: id, from: reader)
                let withheld = try DisclosureLog.withheld(of: id, from: reader)
                var names: [PrimaryCarePractice.ID: String] = [:]
                for practice in Set(made.map(\.recipient) + withheld.map(\.intent.disclosure.recipient)) {
                    if let row = try reader.domainRow(kind: DomainRowKind.practice, key: practice.rawValue) {
                        names[practice] = try? DomainRowCoding.decoder().decode(PrimaryCarePractice.self, from: row.json).name
                    }
                }
                func practice(_ id: PrimaryCarePractice.ID) -> String { "\(names[id] ?? "practice") (\(id.rawValue))" }
                var lines = ["Disclosures of participant \(key): \(made.count) made, \(withheld.count) withheld"]
                for entry in made {
                    lines.append("\(ReportDate.minute(entry.disclosedAt))  \(entry.category.rawValue) (\(entry.trigger.rawValue)) to "
                                 + "\(practice(entry.recipient)) as \(entry.resourceType)/\(entry.resourceID); consent \(entry.consentID ?? "none")"
                                 + (entry.containsPart2Data ? "; 42 CFR Part 2 records, with the notice" : "")
                                 + (entry.remoteID.map { "; receiver's id \($0)" } ?? ""))
                }
                if !withheld.isEmpty { lines.append("Queued, not disclosed:") }
                for item in withheld {
                    lines.append("\(ReportDate.minute(item.intent.queuedAt))  \(item.intent.disclosure.category.rawValue) "
                                 + "(\(item.intent.trigger.rawValue)) to \(practice(item.intent.disclosure.recipient)): "
                                 + "\(item.status.rawValue)" + (item.reason.map { " (\($0))" } ?? ""))
                }
                return lines
            }
            guard let report else {
                printError("fhir-gateway disclosures: no participant with that id or identifier")
                return 1
            }
            FileHandle.standardOutput.write(Data((report.joined(separator: "\n") + "\n").utf8))
            return 0
        } catch {
            printError("fhir-gateway disclosures: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            default: try CommandArguments.takePositional(argument, into: &options.participant)
            }
        }
        guard !options.participant.isEmpty else { throw UsageError(description: "name a participant (id or system|value)") }
        options.location = try options.storeFlags.location()
        return options
    }
}
