import FHIRJSON
import Foundation
import Testing
@testable import Outbound

@Suite("Backoff, Retry-After, circuit breaker, response reading")
struct PolicyTests {
    @Test("full jitter: the ceiling doubles per attempt up to the cap, the wait is within 0...ceiling")
    func fullJitter() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(1))
        #expect(backoff.ceiling(afterAttempts: 1) == .milliseconds(100))
        #expect(backoff.ceiling(afterAttempts: 3) == .milliseconds(400))
        #expect(backoff.ceiling(afterAttempts: 10) == .seconds(1))
        #expect(backoff.ceiling(afterAttempts: 500) == .seconds(1))
        var distinct = Set<Int64>()
        for _ in 0..<200 {
            let wait = backoff.delay(afterAttempts: 4)
            #expect(wait >= .zero && wait <= .milliseconds(800))
            distinct.insert(wait.nanoseconds)
        }
        #expect(distinct.count > 100, "full jitter spreads the waits")
        #expect(backoff.delay(afterAttempts: 2, retryAfter: .seconds(5)) == .seconds(5), "Retry-After is a floor")
    }

    @Test("Retry-After as seconds and as an HTTP date")
    func retryAfter() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)  // 2023-11-14T22:13:20Z
        #expect(RetryAfter.delay("120", now: now) == .seconds(120))
        #expect(RetryAfter.delay("Tue, 14 Nov 2023 22:14:20 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.delay("Tuesday, 14-Nov-23 22:14:20 GMT", now: now) == .seconds(60))
        #expect(RetryAfter.delay("Tue Nov 14 22:14:20 2023", now: now) == .seconds(60))
        #expect(RetryAfter.delay("Mon, 13 Nov 2023 00:00:00 GMT", now: now) == .zero)
        #expect(RetryAfter.delay("soon", now: now) == nil)
        #expect(RetryAfter.delay(nil, now: now) == nil)
    }

    @Test("circuit: opens after N failures, lets one probe through after the cool-down, closes on success")
    func circuitBreaker() {
        var breaker = CircuitBreaker(threshold: 3, coolDown: .seconds(10))
        let start = ContinuousClock.now
        for _ in 0..<2 { breaker.recordFailure(at: start) }
        #expect(breaker.state(at: start) == .closed)
        breaker.recordFailure(at: start)
        #expect(breaker.state(at: start) == .open(until: start + .seconds(10)))
        let allowed = breaker.allowRequest(at: start + .seconds(5))
        #expect(!allowed)
        let later = start + .seconds(11)
        #expect(breaker.state(at: later) == .halfOpen)
        let probe = breaker.allowRequest(at: later)
        let second = breaker.allowRequest(at: later)
        #expect(probe && !second, "one probe only")
        breaker.recordFailure(at: later)
        #expect(breaker.state(at: later) == .open(until: later + .seconds(10)), "a failed probe opens it again")
        let again = later + .seconds(11)
        let secondProbe = breaker.allowRequest(at: again)
        #expect(secondProbe)
        breaker.recordSuccess()
        #expect(breaker.state(at: again) == .closed)
        #expect(breaker.isAvailable(at: again))
    }

    @Test("receiver id and version from Location and ETag")
    func remoteID() {
        #expect(ResponseInterpreter.remoteID(location: "https://ehr/fhir/DocumentReference/77/_history/3", etag: nil)
            == "DocumentReference/77/_history/3")
        #expect(ResponseInterpreter.remoteID(location: "Communication/9", etag: "W/\"2\"") == "Communication/9/_history/2")
        #expect(ResponseInterpreter.remoteID(location: nil, etag: nil) == nil)
    }

    @Test("outcomes by status: 2xx delivered, 3xx/408/429/5xx retried, other 4xx rejected with the OperationOutcome text")
    func outcomes() {
        func outcome(_ status: Int, _ headers: [String: String] = [:], _ body: String = "") -> DeliveryOutcome {
            ResponseInterpreter.outcome(of: ReceivedResponse(status: status, headers: headers, body: Data(body.utf8)), profile: .rest, now: Date())
        }
        #expect(outcome(201, ["location": "Communication/1/_history/1"]) == .delivered(remoteId: "Communication/1/_history/1", remoteStatus: "201"))
        #expect(outcome(302) == .retry(reason: "redirect refused (HTTP 302)", retryAfter: nil, outcomeUnknown: false))
        #expect(outcome(429, ["retry-after": "7"]) == .retry(reason: "HTTP 429", retryAfter: .seconds(7), outcomeUnknown: false))
        for status in [408, 500, 502, 503, 504] {
            guard case .retry = outcome(status) else { Issue.record("\(status) should be retried"); continue }
        }
        let rejected = outcome(422, [:], #"{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"processing","details":{"text":"Unknown code system"}}]}"#)
        #expect(rejected == .reject(reason: "HTTP 422: error/processing Unknown code system"))
        #expect(outcome(400) == .reject(reason: "HTTP 400"))
    }

    @Test("the payload gets the gateway identifier once, before the resource's own elements")
    func identifierInjection() throws {
        let payload = try OutboundPayload(message: Fixture.communication("p1", "a"), contentType: "application/fhir+json", identifierValue: "k1")
        let json = String(decoding: payload.json, as: UTF8.self)
        #expect(json.hasPrefix(#"{"resourceType":"Communication","identifier":[{"system":"\#(OutboundIdentifier.system)","value":"k1"}],"status""#))
        let again = OutboundPayload.withIdentifier(payload.resource, value: "k1")
        #expect(again == payload.resource)
        let bundle = String(decoding: payload.transactionBundle(fullUrl: nil), as: UTF8.self)
        #expect(bundle.contains(#""request":{"method":"POST","url":"Communication","ifNoneExist":"identifier=\#(OutboundIdentifier.system)|k1"}"#))
        #expect(throws: DeliveryRejection.self) {
            try OutboundPayload(message: Data("not json".utf8), contentType: "application/fhir+json", identifierValue: "k")
        }
    }
}
