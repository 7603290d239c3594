import FHIRJSON
import FHIRXML
import Foundation
import GatewayStore
import IOPDomain
import IOPMapping
import PCPUpdates

/// `fhir-gateway summary <participant> [--data DIR | --store postgres://…] [--from DAY --to DAY] [--format text|json|xml]
/// [--every DAYS]`: shows the progress summary the participant's PCP would receive, without
/// sending it. `<participant>` is the gateway's id or an identifier as `system|value`. The
/// period defaults to the last whole period of the participant's schedule. `--every` sets that
/// schedule (a summary every DAYS days from the day the participant became active).
enum SummaryCommand {
    struct Options {
        var storeFlags = StoreFlags()
        var location = StoreLocation.sqlite(folder: "var")
        var participant = ""
        var from: Date?
        var to: Date?
        var format = "text"
        var everyDays: Int?
    }

    static func run(_ arguments: [String]) -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "summary", parse) else { return 2 }
        do {
            let store = try options.location.open()
            defer { try? store.close() }
            guard let key = try store.read({ try ParticipantLookup.key(for: options.participant, in: $0) }) else {
                printError("fhir-gateway summary: no participant with that id or identifier")
                return 1
            }
            if let days = options.everyDays {
                try store.write { transaction in
                    var schedule = try SummaryScheduler.schedule(for: key, in: transaction)
                    schedule.everyDays = days
                    _ = try transaction.upsertDomainRow(kind: DomainRowKind.summarySchedule, key: key, participantKey: key,
                                                        json: try DomainRowCoding.encoder().encode(schedule))
                }
                printError("summaries every \(days) days from now on")
            }
            let period = try options.from.map { try DatePeriod(start: $0, end: options.to ?? Date()) }
            guard let (summary, _) = try store.read({ try SummaryScheduler.preview(participantKey: key, period: period, from: $0) }) else {
                return 1
            }
            let output: [UInt8] = switch options.format {
            case "json": FHIRJSONWriter(pretty: true).write(FHIROutboundMapper().documentReference(summary).element())
            case "xml": FHIRXMLWriter(pretty: true).write(FHIROutboundMapper().documentReference(summary).element())
            default: Array(ProgressNoteText.render(summary).utf8)
            }
            FileHandle.standardOutput.write(Data(output))
            if options.format != "text" { FileHandle.standardOutput.write(Data("\n".utf8)) }
            return 0
        } catch {
            printError("fhir-gateway summary: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--from": options.from = try day(try arguments.value(for: argument), endOfDay: false)
            case "--to": options.to = try day(try arguments.value(for: argument), endOfDay: true)
            case "--format":
                options.format = try arguments.value(for: argument)
                guard ["text", "json", "xml"].contains(options.format) else { throw UsageError(description: "--format takes text, json or xml") }
            case "--every": options.everyDays = try arguments.positiveInteger(for: argument)
            default: try CommandArguments.takePositional(argument, into: &options.participant)
            }
        }
        guard !options.participant.isEmpty else { throw UsageError(description: "name a participant (id or system|value)") }
        options.location = try options.storeFlags.location()
        if options.to != nil, options.from == nil { throw UsageError(description: "--to needs --from") }
        return options
    }

    /// `YYYY-MM-DD` in UTC: its first instant, or its last millisecond.
    static func day(_ text: String, endOfDay: Bool) throws(UsageError) -> Date {
        guard let date = try? Date(text + "T00:00:00Z", strategy: .iso8601) else {
            throw UsageError(description: "'\(text)' is not a day (YYYY-MM-DD)")
        }
        return endOfDay ? date.addingTimeInterval(86_400 - 0.001) : date
    }
}
