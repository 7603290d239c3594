import Foundation
import GatewayStore

/// `fhir-gateway queue status|list|show|replay|cancel [--data DIR | --store postgres://…] [--endpoint KEY]
/// [--status pending|in-flight|delivered|dead-letter] [--limit N] [ID]`: the operator's view of
/// the outbox.
///
/// Nothing printed comes from a payload: ids, endpoint and participant keys, priorities,
/// states, times and the worker's last error (codes and statuses, never patient data). Replay
/// and cancel are units of work with their audit event. Exit 0, 1 when the message is unknown
/// or not in a state the action applies to (or the store fails), 2 for a usage error.
enum QueueCommand {
    enum Action: String {
        case status, list, show, replay, cancel
    }

    struct Options {
        var action: Action = .status
        var storeFlags = StoreFlags()
        var endpoint: String?
        var status: OutboundStatus?
        var limit = 1000
        var id: String?
        var location = StoreLocation.sqlite(folder: "var")
    }

    static let auditActor = "operator:cli"

    static func run(_ arguments: [String]) async -> Int32 {
        guard let options = CommandArguments.parse(arguments, command: "queue", parse) else { return 2 }
        do {
            let store = try options.location.open()
            switch options.action {
            case .status: return try status(store, options)
            case .list: return try list(store, options)
            case .show: return try show(store, options)
            case .replay: return try replay(store, options)
            case .cancel: return try cancel(store, options)
            }
        } catch {
            printError("fhir-gateway queue: " + options.location.redacted("\(error)"))
            return 1
        }
    }

    // MARK: Actions

    /// Depth per endpoint and status, the age of the oldest open message, attempts so far of the
    /// open messages, and the dead letters waiting for an operator.
    static func status(_ store: any GatewayStore, _ options: Options) throws -> Int32 {
        let now = StoreTimestamp.now()
        let rows = try store.read { reader -> [[String]] in
            let depth = try reader.queueDepth().filter { options.endpoint == nil || $0.endpointKey == options.endpoint }
            let keys = Array(Set(depth.map(\.endpointKey))).sorted()
            return try keys.map { key in
                func count(_ status: OutboundStatus) -> Int {
                    depth.first { $0.endpointKey == key && $0.status == status }?.count ?? 0
                }
                // Open messages are bounded by the limit: a queue deeper than that is reported as such.
                let open = try reader.outboundMessages(endpointKey: key, status: .pending, limit: options.limit)
                    + reader.outboundMessages(endpointKey: key, status: .inFlight, limit: options.limit)
                let oldest = open.map(\.createdAt).min()
                let attempts = open.reduce(0) { $0 + $1.attempts }
                let retrying = open.filter { $0.attempts > 0 }.count
                return [
                    key, String(count(.pending)), String(count(.inFlight)), String(count(.delivered)), String(count(.deadLetter)),
                    oldest.map { age(from: $0, to: now) } ?? "-", "\(attempts) (\(retrying) retrying)",
                ]
            }
        }
        if rows.isEmpty {
            print(options.endpoint.map { "no messages for endpoint '\($0)'" } ?? "the outbox is empty")
            return 0
        }
        print(table(["endpoint", "pending", "in-flight", "delivered", "dead-letter", "oldest open", "attempts (open)"], rows))
        let dead = rows.filter { $0[4] != "0" }
        if !dead.isEmpty {
            print("dead letters: " + dead.map { "\($0[0]) \($0[4])" }.joined(separator: ", ")
                + " (fhir-gateway queue list --status dead-letter; replay ID or replay --endpoint KEY)")
        }
        return 0
    }

    /// One line per message; without `--status`, the open messages and the dead letters.
    static func list(_ store: any GatewayStore, _ options: Options) throws -> Int32 {
        let statuses: [OutboundStatus] = options.status.map { [$0] } ?? [.pending, .inFlight, .deadLetter]
        let messages = try store.read { reader in
            try statuses.flatMap { try reader.outboundMessages(endpointKey: options.endpoint, status: $0, limit: options.limit) }
        }
        let rows = messages.prefix(options.limit).map { message in
            [
                message.id, message.endpointKey, message.participantKey, name(message.priority), name(message.status),
                String(message.attempts), message.status == .pending ? message.nextAttemptAt.fhirInstant : "-",
            ]
        }
        if rows.isEmpty {
            print("no messages")
            return 0
        }
        print(table(["id", "endpoint", "participant", "priority", "status", "attempts", "next attempt"], Array(rows)))
        if messages.count > options.limit { print("… more than \(options.limit) messages (--limit N)") }
        return 0
    }

    /// The message's metadata and last error; the payload only by its size.
    static func show(_ store: any GatewayStore, _ options: Options) throws -> Int32 {
        guard let id = options.id else { return missingID("show") }
        guard let message = try store.read({ try $0.outboundMessage(id: id) }) else { return unknown(id) }
        var lines: [(String, String)] = [
            ("id", message.id), ("endpoint", message.endpointKey), ("participant", message.participantKey),
            ("priority", name(message.priority)), ("status", name(message.status)), ("attempts", String(message.attempts)),
            ("idempotency key", message.idempotencyKey), ("payload", "\(message.payload.count) bytes, \(message.contentType)"),
            ("created", message.createdAt.fhirInstant),
        ]
        switch message.status {
        case .pending: lines.append(("next attempt", message.nextAttemptAt.fhirInstant))
        case .inFlight:
            lines.append(("leased to", message.leaseOwner ?? "-"))
            lines.append(("lease expires", message.leaseExpiresAt?.fhirInstant ?? "-"))
        case .delivered:
            lines.append(("delivered", message.deliveredAt?.fhirInstant ?? "-"))
            lines.append(("remote id", message.remoteId ?? "-"))
            lines.append(("remote status", message.remoteStatus ?? "-"))
        case .deadLetter: break
        }
        lines.append(("last error", message.lastError ?? "-"))
        let width = lines.map(\.0.count).max() ?? 0
        for (label, value) in lines {
            print(label.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
        }
        return 0
    }

    /// `replay ID`, or `replay --endpoint KEY`: every dead letter of the endpoint, each in its
    /// own unit of work (pending, due now, attempts reset).
    static func replay(_ store: any GatewayStore, _ options: Options) throws -> Int32 {
        let ids: [String]
        if let id = options.id {
            ids = [id]
        } else if let endpoint = options.endpoint {
            ids = try store.read { try $0.outboundMessages(endpointKey: endpoint, status: .deadLetter, limit: Int.max) }.map(\.id)
        } else {
            printError("fhir-gateway queue replay: name a message ID or --endpoint KEY")
            return 2
        }
        var replayed = 0
        for id in ids {
            let applied = try store.write { transaction -> Bool in
                guard try transaction.replayDeadLetter(id: id) else { return false }
                try audit(transaction, action: "replay", id: id, outcome: "replayed")
                return true
            }
            if applied { replayed += 1 }
        }
        if let id = options.id {
            guard replayed == 1 else { return try notApplicable(store, id, "replay", "only a dead letter can be replayed") }
            print("replayed \(id): pending, due now")
        } else {
            print("replayed \(replayed) dead letter\(replayed == 1 ? "" : "s") of \(options.endpoint ?? "")")
        }
        return 0
    }

    /// Gives up on a pending message (it goes to the dead letters, where replay can bring it
    /// back). A message in flight is left to its worker: cancel it once it is back to pending.
    static func cancel(_ store: any GatewayStore, _ options: Options) throws -> Int32 {
        guard let id = options.id else { return missingID("cancel") }
        let applied = try store.write { transaction -> Bool in
            guard try transaction.deadLetter(id: id, leaseOwner: nil, error: "cancelled by an operator") else { return false }
            try audit(transaction, action: "cancel", id: id, outcome: "cancelled")
            return true
        }
        guard applied else {
            return try notApplicable(store, id, "cancel", "only a pending message can be cancelled; one in flight returns to pending when its attempt ends")
        }
        print("cancelled \(id): dead letter (replay brings it back)")
        return 0
    }

    // MARK: Helpers

    private static func audit(_ transaction: any StoreTransaction, action: String, id: String, outcome: String) throws {
        let endpoint = try transaction.outboundMessage(id: id)?.endpointKey ?? "-"
        try transaction.appendAudit(AuditEvent(
            time: transaction.now, actor: auditActor, action: action, resourceType: "OutboundMessage", resourceId: id,
            outcome: outcome, detail: "endpoint=\(endpoint); message=\(id)"))
    }

    private static func missingID(_ action: String) -> Int32 {
        printError("fhir-gateway queue \(action): name a message ID")
        return 2
    }

    private static func unknown(_ id: String) -> Int32 {
        printError("fhir-gateway queue: no message '\(id)'")
        return 1
    }

    private static func notApplicable(_ store: any GatewayStore, _ id: String, _ action: String, _ rule: String) throws -> Int32 {
        guard let message = try store.read({ try $0.outboundMessage(id: id) }) else { return unknown(id) }
        printError("fhir-gateway queue \(action): \(id) is \(name(message.status)): \(rule)")
        return 1
    }

    static func name(_ status: OutboundStatus) -> String {
        switch status {
        case .pending: "pending"
        case .inFlight: "in-flight"
        case .delivered: "delivered"
        case .deadLetter: "dead-letter"
        }
    }

    static func name(_ priority: OutboundPriority) -> String {
        switch priority {
        case .crisis: "crisis"
        case .urgent: "urgent"
        case .routine: "routine"
        }
    }

    /// `45s`, `3m12s`, `2h05m`, `3d04h`.
    static func age(from start: StoreTimestamp, to now: StoreTimestamp) -> String {
        let seconds = max(0, (now.microsecondsSinceEpoch - start.microsecondsSinceEpoch) / 1_000_000)
        switch seconds {
        case ..<60: return "\(seconds)s"
        case ..<3600: return "\(seconds / 60)m\(String(format: "%02d", seconds % 60))s"
        case ..<86400: return "\(seconds / 3600)h\(String(format: "%02d", seconds % 3600 / 60))m"
        default: return "\(seconds / 86400)d\(String(format: "%02d", seconds % 86400 / 3600))h"
        }
    }

    /// Columns padded to their widest cell.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n")
    }

    static func parse(_ arguments: inout CommandArguments) throws(UsageError) -> Options {
        var options = Options()
        guard let first = arguments.next(), let action = Action(rawValue: first) else {
            throw UsageError(description: "name an action: status, list, show ID, replay ID|--endpoint KEY, cancel ID")
        }
        options.action = action
        while let argument = arguments.next() {
            if try options.storeFlags.take(argument, from: &arguments) { continue }
            switch argument {
            case "--endpoint": options.endpoint = try arguments.value(for: argument)
            case "--status":
                let text = try arguments.value(for: argument)
                guard let status = OutboundStatus.allCases.first(where: { name($0) == text }) else {
                    throw UsageError(description: "--status takes pending, in-flight, delivered or dead-letter")
                }
                options.status = status
            case "--limit": options.limit = try arguments.positiveInteger(for: argument)
            default:
                guard !argument.hasPrefix("-"), options.id == nil else {
                    throw UsageError(description: "unexpected argument '\(argument)'")
                }
                options.id = argument
            }
        }
        options.location = try options.storeFlags.location()
        let hasID = options.id != nil
        switch action {
        case .show, .cancel:
            if !hasID { throw UsageError(description: "\(action.rawValue) needs a message ID") }
        case .replay:
            if hasID == (options.endpoint != nil) {
                throw UsageError(description: "replay takes a message ID or --endpoint KEY (one of them)")
            }
        case .status, .list:
            if hasID { throw UsageError(description: "\(action.rawValue) takes no message ID") }
        }
        return options
    }
}
