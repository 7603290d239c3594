import FHIRCore
import Foundation

/// What one attempt came to, and so what the worker writes to the store.
enum DeliveryOutcome: Sendable, Hashable {
    /// The receiver has the resource: `remoteId` is `Type/id` (with `/_history/n` when known).
    case delivered(remoteId: String?, remoteStatus: String)
    /// Try again later. `outcomeUnknown`: the receiver may have the resource, so a receiver that
    /// does not suppress duplicates is searched before the next send.
    case retry(reason: String, retryAfter: Duration?, outcomeUnknown: Bool)
    /// Never deliverable as it is: dead letter now, with the reason (and the receiver's
    /// OperationOutcome text).
    case reject(reason: String)
}

/// Reads a receiver's answer to a create (FHIR R4 http.html §3.1.0.8, §3.1.0.11).
enum ResponseInterpreter {
    static func outcome(of result: TransportResult, profile: OutboundDeliveryProfile, now: Date) -> DeliveryOutcome {
        switch result {
        case .failure(let failure):
            return .retry(reason: failure.description, retryAfter: nil, outcomeUnknown: failure.kind == .outcomeUnknown)
        case .response(let response):
            return outcome(of: response, profile: profile, now: now)
        }
    }

    static func outcome(of response: ReceivedResponse, profile: OutboundDeliveryProfile, now: Date) -> DeliveryOutcome {
        let status = response.status
        switch status {
        case 200..<300:
            if profile == .transaction, let entry = transactionEntryResponse(response.body) {
                let entryStatus = entry.status.split(separator: " ").first.flatMap { Int($0) } ?? status
                guard (200..<300).contains(entryStatus) else {
                    return .reject(reason: "transaction entry answered \(entry.status)")
                }
                return .delivered(remoteId: remoteID(location: entry.location, etag: entry.etag),
                                  remoteStatus: entry.status)
            }
            return .delivered(remoteId: remoteID(location: response.header("Location") ?? response.header("Content-Location"),
                                                 etag: response.header("ETag")),
                              remoteStatus: String(status))
        case 300..<400:
            // Not followed (PLATFORM-NOTES.md): the endpoint is misconfigured or moving; retrying
            // keeps the message until an operator fixes the URL or the cap dead-letters it.
            return .retry(reason: "redirect refused (HTTP \(status))", retryAfter: nil, outcomeUnknown: false)
        case 401:
            // Our credentials, not the message: keep it and let the circuit breaker see the outage.
            return .retry(reason: "HTTP 401 unauthorized" + operationOutcomeSuffix(response.body), retryAfter: nil, outcomeUnknown: false)
        case 408, 429, 500..<600:
            return .retry(reason: "HTTP \(status)" + operationOutcomeSuffix(response.body),
                          retryAfter: RetryAfter.delay(response.header("Retry-After"), now: now), outcomeUnknown: false)
        default:
            return .reject(reason: "HTTP \(status)" + operationOutcomeSuffix(response.body))
        }
    }

    /// `Type/id` or `Type/id/_history/n` from a `Location` (absolute or relative), with the
    /// version from a weak `ETag` (`W/"3"`) when the location has none.
    static func remoteID(location: String?, etag: String?) -> String? {
        var version: String?
        if let etag, let id = VersionETag.versionID(etag) { version = id }
        guard let location, !location.isEmpty else { return version.map { "_history/" + $0 } }
        let path = URL(string: location)?.path ?? location
        guard let address = ResourceAddress(path) else { return nil }
        if address.version != nil { return address.relative }
        let base = address.relative
        return version.map { base + "/_history/" + $0 } ?? base
    }

    private struct TransactionResponse: Decodable {
        struct Entry: Decodable {
            struct Response: Decodable {
                var status: String
                var location: String?
                var etag: String?
            }
            var response: Response?
        }
        var resourceType: String?
        var entry: [Entry]?
    }

    private static func transactionEntryResponse(_ body: Data) -> TransactionResponse.Entry.Response? {
        guard let bundle = try? JSONDecoder().decode(TransactionResponse.self, from: body),
              bundle.resourceType == "Bundle" else { return nil }
        return bundle.entry?.first?.response
    }

    /// `: <severity>/<code> <text>; ...` from an OperationOutcome body, or nothing. The
    /// receiver's issue text is kept (truncated) because it is what an operator needs to fix
    /// the message; our own words around it name no patient data.
    static func operationOutcomeSuffix(_ body: Data) -> String {
        let issues = operationOutcomeText(body)
        return issues.isEmpty ? "" : ": " + issues
    }

    static func operationOutcomeText(_ body: Data) -> String {
        struct Outcome: Decodable {
            struct Issue: Decodable {
                struct Details: Decodable { var text: String? }
                var severity: String?
                var code: String?
                var details: Details?
                var diagnostics: String?
            }
            var resourceType: String?
            var issue: [Issue]?
        }
        guard !body.isEmpty, let outcome = try? JSONDecoder().decode(Outcome.self, from: body),
              outcome.resourceType == "OperationOutcome", let issues = outcome.issue else { return "" }
        return issues.prefix(5).map { issue in
            let text = [issue.details?.text, issue.diagnostics].compactMap { $0 }.joined(separator: " — ")
            let clipped = text.count > 300 ? String(text.prefix(300)) + "…" : text
            return "\(issue.severity ?? "error")/\(issue.code ?? "unknown")" + (clipped.isEmpty ? "" : " " + clipped)
        }.joined(separator: "; ")
    }
}
