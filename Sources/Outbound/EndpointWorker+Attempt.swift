import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import GatewayStore

extension EndpointWorker {
    /// One claimed message: gate, route, payload, search when needed, send, record.
    func attempt(_ message: OutboundMessage, report: inout DeliveryPassReport) async throws {
        // The consent gate, just before the send (FHIR-RULES.md): a revoked consent stops a
        // message that was queued while it was in force.
        let consentID: String?
        switch await gate.check(message, endpoint: endpoint) {
        case .permit(let consent):
            consentID = consent
        case .hold(let reason, let until):
            let applied = try await record(message, audit: "held", detail: "reason=" + reason) { transaction, owner in
                try transaction.markFailed(id: message.id, leaseOwner: owner, error: Self.carry(message, "held by disclosure gate: " + reason),
                                       nextAttemptAt: until)
            }
            logChange("outbound.held", message, applied: applied, ["reason": reason, "next_attempt_at": until.fhirInstant])
            report.held += 1
            return
        case .cancel(let reason):
            let applied = try await record(message, audit: "cancelled", detail: "reason=" + reason) { transaction, owner in
                try transaction.deadLetter(id: message.id, leaseOwner: owner, error: "cancelled by disclosure gate: " + reason)
            }
            logChange("outbound.cancelled", message, applied: applied, ["reason": reason])
            report.held += 1
            return
        }

        let chosen = chooseRoute(for: message, at: .now)
        await reportCircuits()
        guard let (route, isFallback) = chosen else {
            // The circuits opened during this batch: give the message back until they may close.
            let until = StoreTimestamp.now().adding(policy.circuitCoolDown)
            let applied = try await store.writeAsync { [id = message.id, owner = workerID] transaction in
                try transaction.markFailed(id: id, leaseOwner: owner, error: Self.carry(message, "circuit open"), nextAttemptAt: until)
            }
            logChange("outbound.retry", message, applied: applied, ["reason": "circuit open", "next_attempt_at": until.fhirInstant])
            report.retried += 1
            return
        }
        if isFallback { report.sentToFallback += 1 }

        let payload: OutboundPayload
        do throws(DeliveryRejection) {
            payload = try OutboundPayload(message: message.payload, contentType: message.contentType,
                                          identifierValue: message.idempotencyKey)
            if let required = route.profile.requiredResourceType, required != payload.resourceType {
                throw DeliveryRejection("the \(route.profile.rawValue) profile carries \(required) only, not \(payload.resourceType)")
            }
        } catch {
            releaseProbe(isFallback)
            try await apply(.reject(reason: error.description), to: message, route: route, isFallback: isFallback,
                            type: nil, consentID: consentID, report: &report)
            return
        }

        // A receiver that does not suppress duplicates may already have what an earlier attempt
        // sent: ask before sending again.
        if !route.profile.receiverSuppressesDuplicates && Self.mayHaveArrived(message) {
            let request = DeliveryRequest.search(type: payload.resourceType, identifierValue: message.idempotencyKey,
                                                 route: route, deadline: policy.attemptDeadline)
            switch SearchResult.read(await exchange(request, route: route), type: payload.resourceType) {
            case .found(let remoteId):
                report.foundBySearch += 1
                try await apply(.delivered(remoteId: remoteId, remoteStatus: "found by identifier"), to: message, route: route,
                                isFallback: isFallback, type: payload.resourceType, consentID: consentID, report: &report)
                return
            case .notFound:
                break
            case .failed(let reason):
                try await apply(.retry(reason: reason, retryAfter: nil, outcomeUnknown: true), to: message, route: route,
                                isFallback: isFallback, type: payload.resourceType, consentID: consentID, report: &report)
                return
            }
        }

        let request = DeliveryRequest.create(payload, messageID: message.id, route: route, deadline: policy.attemptDeadline)
        let outcome = ResponseInterpreter.outcome(of: await exchange(request, route: route), profile: route.profile, now: Date())
        try await apply(outcome, to: message, route: route, isFallback: isFallback, type: payload.resourceType,
                        consentID: consentID, report: &report)
    }

    /// The route for this message now: the primary unless its circuit is open or the message
    /// has had `fallbackAfterAttempts` attempts, then the fallback when its own circuit allows.
    func chooseRoute(for message: OutboundMessage, at now: ContinuousClock.Instant) -> (EndpointRoute, Bool)? {
        let wantsFallback = endpoint.fallback != nil && (policy.fallbackAfterAttempts.map { message.attempts > $0 } ?? false)
        if !wantsFallback, primaryBreaker.allowRequest(at: now) { return (endpoint.primary, false) }
        if let fallback = endpoint.fallback, fallbackBreaker.allowRequest(at: now) { return (fallback, true) }
        if wantsFallback, primaryBreaker.allowRequest(at: now) { return (endpoint.primary, false) }
        return nil
    }

    private func releaseProbe(_ isFallback: Bool) {
        if isFallback { fallbackBreaker.releaseProbe() } else { primaryBreaker.releaseProbe() }
    }

    /// Sends with the route's credentials; a 401 to a fetched token fetches a new one and sends
    /// once more.
    func exchange(_ request: URLRequest, route: EndpointRoute) async -> TransportResult {
        var request = request
        for pass in 0..<2 {
            do {
                request.setValue(try await authenticator.authorization(for: route.authentication), forHTTPHeaderField: "Authorization")
            } catch {
                return .failure(TransportFailure(kind: .notSent, description: error.description))
            }
            let result = await client.perform(request, deadline: policy.attemptDeadline)
            if pass == 0, case .response(let response) = result, response.status == 401,
               await authenticator.invalidate(route.authentication) {
                continue
            }
            return result
        }
        return .failure(TransportFailure(kind: .notSent, description: "not sent"))
    }

    /// Writes the outcome, with the audit of a disclosure, and feeds the circuit breaker.
    func apply(
        _ outcome: DeliveryOutcome, to message: OutboundMessage, route: EndpointRoute, isFallback: Bool, type: String?,
        consentID: String?, report: inout DeliveryPassReport
    ) async throws {
        let routeName = isFallback ? "fallback" : "primary"
        switch outcome {
        case .delivered(let remoteId, let remoteStatus):
            if isFallback { fallbackBreaker.recordSuccess() } else { primaryBreaker.recordSuccess() }
            let detail = "route=\(routeName); consent=\(consentID ?? "none"); remote=\(remoteId ?? "unknown")"
            let applied = try await record(message, audit: "success", type: type, detail: detail) { transaction, _ in
                try transaction.markDelivered(id: message.id, remoteId: remoteId, remoteStatus: remoteStatus)
            }
            logChange("outbound.delivered", message, applied: applied,
                      ["route": routeName, "remote": remoteId ?? "unknown", "remote_status": remoteStatus ?? "unknown"])
            report.delivered += 1
        case .retry(let reason, let retryAfter, let outcomeUnknown):
            if isFallback { fallbackBreaker.recordFailure(at: .now) } else { primaryBreaker.recordFailure(at: .now) }
            let error = "\(routeName): " + (outcomeUnknown ? Self.outcomeUnknownMarker : "") + reason
            let age = StoreTimestamp.now().microsecondsSinceEpoch - message.createdAt.microsecondsSinceEpoch
            if message.attempts >= policy.maxAttempts || Duration.microseconds(age) >= policy.maxAge {
                let final = "gave up after \(message.attempts) attempts: " + error
                let applied = try await store.writeAsync { [id = message.id, owner = workerID] transaction in
                    try transaction.deadLetter(id: id, leaseOwner: owner, error: final)
                }
                logChange("outbound.dead_letter", message, applied: applied,
                          ["route": routeName, "reason": DeliveryLog.loggable(reason), "gave_up": true])
                report.deadLettered += 1
            } else {
                let wait = backoff.delay(afterAttempts: message.attempts, retryAfter: retryAfter.map { min($0, policy.maxRetryAfter) })
                let next = StoreTimestamp.now().adding(wait)
                let applied = try await store.writeAsync { [id = message.id, owner = workerID] transaction in
                    try transaction.markFailed(id: id, leaseOwner: owner, error: error, nextAttemptAt: next)
                }
                logChange("outbound.retry", message, applied: applied,
                          ["route": routeName, "reason": DeliveryLog.loggable(reason), "outcome_unknown": outcomeUnknown,
                           "next_attempt_at": next.fhirInstant])
                report.retried += 1
            }
        case .reject(let reason):
            // The receiver answered: it is up, whatever it thought of this message.
            if isFallback { fallbackBreaker.recordSuccess() } else { primaryBreaker.recordSuccess() }
            let error = "\(routeName): rejected: " + reason
            let applied = try await store.writeAsync { [id = message.id, owner = workerID] transaction in
                try transaction.deadLetter(id: id, leaseOwner: owner, error: error)
            }
            logChange("outbound.dead_letter", message, applied: applied,
                      ["route": routeName, "reason": DeliveryLog.loggable(reason), "rejected": true])
            report.deadLettered += 1
        }
        await reportCircuits()
    }

    /// The log line of a message's state change; `applied` false means another worker had taken
    /// the message over (this worker's lease had expired) and nothing was written.
    func logChange(_ event: String, _ message: OutboundMessage, applied: Bool, _ fields: [String: Any]) {
        var line = fields
        line["message"] = message.id
        line["attempt"] = message.attempts
        if !applied { line["lease_lost"] = true }
        log.event(event, endpoint: endpoint.key, line)
    }

    /// A state change and its audit event in one unit of work. Audit details carry endpoint
    /// keys, ids and codes only.
    private func record(
        _ message: OutboundMessage, audit outcome: String, type: String? = nil, detail: String,
        _ change: @escaping @Sendable (any StoreTransaction, String) throws -> Bool
    ) async throws -> Bool {
        let (owner, key, id) = (workerID, endpoint.key, message.id)
        return try await store.writeAsync { transaction in
            let applied = try change(transaction, owner)
            try transaction.appendAudit(AuditEvent(
                time: transaction.now, actor: Self.auditActor, action: "disclose", resourceType: type ?? "OutboundMessage",
                resourceId: id, outcome: applied ? outcome : outcome + " (lease lost)", detail: "endpoint=\(key); message=\(id); " + detail))
            return applied
        }
    }

    /// Whether the receiver may already have the message: an earlier attempt's outcome was
    /// unknown, or an earlier attempt left no record at all (its worker died mid-send).
    static func mayHaveArrived(_ message: OutboundMessage) -> Bool {
        guard let lastError = message.lastError else { return message.attempts > 1 }
        return lastError.contains(outcomeUnknownMarker)
    }

    /// Keeps the outcome-unknown marker through a write that is not about the receiver.
    static func carry(_ message: OutboundMessage, _ error: String) -> String {
        mayHaveArrived(message) ? outcomeUnknownMarker + error : error
    }
}
