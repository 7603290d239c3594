import Foundation
import IOPDomain
import Testing

@Suite("Value rules")
struct ValueRuleTests {
    @Test func calendarDates() throws {
        #expect(try CalendarDate("2024-02-29").description == "2024-02-29")
        #expect(try CalendarDate(year: 7, month: 3, day: 1).description == "0007-03-01")
        for bad in ["2023-02-29", "2024-04-31", "2024-13-01", "0000-01-01", "2024-1-01", "2024", "2024-02", "2024-02-29T00:00",
                    " 2024-02-29", "２０２４-02-29"] {
            #expect(throws: DomainError.invalidValue(.calendarDate)) { try CalendarDate(bad) }
        }
        #expect(try CalendarDate("1999-12-31") < CalendarDate("2000-01-01"))
        let leap = try CalendarDate("2000-02-29")
        #expect(leap.age(on: try CalendarDate("2024-02-28")) == 23)
        #expect(leap.age(on: try CalendarDate("2024-02-29")) == 24)
        #expect(leap.age(on: try CalendarDate("2023-03-01")) == 23)
    }

    @Test func calendarDateDoesNotShiftAcrossTimeZones() throws {
        let instant = Date(timeIntervalSince1970: 1_709_251_200)  // 2024-03-01T00:00:00Z
        #expect(CalendarDate(instant, in: TimeZone(identifier: "UTC")!).description == "2024-03-01")
        #expect(CalendarDate(instant, in: TimeZone(identifier: "America/Los_Angeles")!).description == "2024-02-29")
        let decoded = try JSONDecoder().decode(CalendarDate.self, from: Data(#""1990-03-01""#.utf8))
        #expect(decoded.description == "1990-03-01", "no Date in between, so no zone can move it")
    }

    @Test func periods() throws {
        #expect(throws: DomainError.periodEndsBeforeStart(.datePeriod)) {
            try DatePeriod(start: Fixture.at(days: 2), end: Fixture.at(days: 1))
        }
        let period = try DatePeriod(start: Fixture.t0, end: Fixture.at(days: 1))
        #expect(period.contains(Fixture.t0) && period.contains(Fixture.at(days: 1)))
        #expect(!period.contains(Fixture.at(days: -1)) && !period.contains(Fixture.at(days: 2)))
        #expect(DatePeriod.unbounded.contains(.distantPast) && DatePeriod.starting(Fixture.t0).contains(.distantFuture))
    }

    @Test("endpoint URLs", arguments: [
        ("https://fhir.example.org/r4", nil),
        ("https://ehr.example.com/fhir/api/FHIR/R4/", nil),
        ("http://127.0.0.1:8080/fhir", nil),
        ("http://localhost:9000/fhir", nil),
        ("http://[::1]:9000/fhir", nil),
        ("http://ehr.example.org/fhir", EndpointProblem.insecureScheme),
        ("ftp://ehr.example.org/fhir", .insecureScheme),
        ("https://user:secret@ehr.example.org/fhir", .embeddedCredentials),
        ("https://ehr.example.org/fhir?tenant=1", .queryOrFragment),
        ("https://ehr.example.org/fhir#x", .queryOrFragment),
        ("file:///etc/passwd", .missingHost),
    ] as [(String, EndpointProblem?)])
    func endpoints(url: String, problem: EndpointProblem?) throws {
        let target = { () throws(DomainError) in try EndpointTarget(baseURL: URL(string: url)!, deliveryProfile: .transactionBundle) }
        if let problem {
            #expect(throws: DomainError.invalidEndpoint(problem)) { try target() }
        } else {
            #expect(try target().baseURL.absoluteString == url)
        }
    }

    @Test func fallbackMustDiffer() throws {
        let primary = try EndpointTarget(baseURL: URL(string: "https://a.example.org/fhir")!, deliveryProfile: .transactionBundle)
        let same = try EndpointTarget(baseURL: URL(string: "https://a.example.org/fhir")!, deliveryProfile: .documentReferenceOnly)
        #expect(throws: DomainError.invalidEndpoint(.fallbackSameAsPrimary)) { try PracticeEndpoint(primary: primary, fallback: same) }
        let other = try EndpointTarget(baseURL: URL(string: "https://b.example.org/fhir")!, deliveryProfile: .documentReferenceOnly)
        let endpoint = try PracticeEndpoint(primary: primary, fallback: other)
        #expect(endpoint.deliveryProfile == .transactionBundle && endpoint.fallback?.deliveryProfile == .documentReferenceOnly)
        #expect(throws: DomainError.missingValue(.practiceName)) {
            try PrimaryCarePractice(id: "x", name: " ", endpoint: endpoint)
        }
        #expect(!DeliveryProfile.documentReferenceOnly.receiverSuppressesDuplicates)
    }

    @Test func medicationValues() throws {
        for good in ["1", "0.5", "0.50", "12.5", "1.0", "300"] { #expect(try DoseQuantity(value: good, unit: "mg").value == good) }
        for bad in ["0", "0.0", "-1", "1e3", ".5", "1.", "", "1,5", " 1"] {
            #expect(throws: DomainError.invalidValue(.doseValue)) { try DoseQuantity(value: bad, unit: "mg") }
        }
        #expect(throws: DomainError.missingValue(.doseUnit)) { try DoseQuantity(value: "1", unit: "") }
        #expect(throws: DomainError.invalidValue(.rxNormCode)) { try RxNormConcept(code: "31294a", display: "x") }
        #expect(throws: DomainError.invalidValue(.rxNormCode)) { try RxNormConcept(code: "", display: "x") }
        #expect(throws: DomainError.missingValue(.medicationDisplay)) { try RxNormConcept(code: "312940", display: "") }
        #expect(throws: DomainError.invalidValue(.doseFrequency)) {
            try Dose(quantity: DoseQuantity(value: "1", unit: "mg"), timesPerPeriod: 0, period: .day)
        }
    }

    static var medicationPairs: [(MedicationOrderStatus, MedicationOrderStatus)] {
        MedicationOrderStatus.allCases.flatMap { a in MedicationOrderStatus.allCases.map { (a, $0) } }
    }

    @Test("medication order transitions", arguments: medicationPairs)
    func medicationTransitions(from: MedicationOrderStatus, to: MedicationOrderStatus) throws {
        var order = MedicationOrder(
            id: "m", participantID: "p", medication: try RxNormConcept(code: "312940", display: "sertraline 50 MG Oral Tablet"),
            dose: try Dose(quantity: DoseQuantity(value: "50", unit: "mg"), timesPerPeriod: 1, period: .day),
            prescriber: Fixture.clinician, status: from, authoredOn: Fixture.t0)
        let legal: Set<[MedicationOrderStatus]> = [
            [.draft, .active], [.draft, .cancelled], [.active, .onHold], [.active, .completed], [.active, .stopped],
            [.onHold, .active], [.onHold, .completed], [.onHold, .stopped],
        ]
        if legal.contains([from, to]) {
            try order.transition(to: to)
            #expect(order.status == to)
        } else {
            #expect(throws: DomainError.illegalMedicationTransition(from: from, to: to)) { try order.transition(to: to) }
        }
    }

    static var planPairs: [(TreatmentPlanStatus, TreatmentPlanStatus)] {
        TreatmentPlanStatus.allCases.flatMap { a in TreatmentPlanStatus.allCases.map { (a, $0) } }
    }

    @Test("treatment plan transitions", arguments: planPairs)
    func planTransitions(from: TreatmentPlanStatus, to: TreatmentPlanStatus) throws {
        var plan = try TreatmentPlan(id: "t", participantID: "p", status: from, period: .starting(Fixture.t0), sessionsPerWeek: 3,
                                     createdAt: Fixture.t0)
        let legal: Set<[TreatmentPlanStatus]> = [
            [.draft, .active], [.draft, .revoked], [.active, .onHold], [.active, .completed], [.active, .revoked],
            [.onHold, .active], [.onHold, .completed], [.onHold, .revoked],
        ]
        if legal.contains([from, to]) {
            try plan.transition(to: to)
            #expect(plan.status == to)
        } else {
            #expect(throws: DomainError.illegalPlanTransition(from: from, to: to)) { try plan.transition(to: to) }
        }
    }

    @Test func planIntensity() throws {
        for bad in [0, 22] {
            #expect(throws: DomainError.invalidValue(.planSessionsPerWeek)) {
                try TreatmentPlan(id: "t", participantID: "p", period: .unbounded, sessionsPerWeek: bad, createdAt: Fixture.t0)
            }
        }
        #expect(throws: DomainError.invalidValue(.activityMinutes)) {
            try TreatmentActivity(modality: .group, sessionsPerWeek: 3, minutesPerSession: 5)
        }
        #expect(throws: DomainError.invalidValue(.activitySessionsPerWeek)) {
            try TreatmentActivity(modality: .group, sessionsPerWeek: 0, minutesPerSession: 60)
        }
    }

    @Test func messages() throws {
        let pcp = CareParty.primaryCare(Fixture.provider)
        let crisis = try CareMessage(id: "m", participantID: "p", sender: .program,
                                     recipients: [pcp, .iopClinician(Fixture.clinician), pcp,
                                                  .primaryCare(.init(practiceID: Fixture.otherPracticeID))],
                                     category: .crisisNotice, priority: .routine, text: "Call the on-call line.", createdAt: Fixture.t0)
        #expect(crisis.effectivePriority == .urgent, "a crisis notice is never routine")
        #expect(crisis.disclosures().map(\.recipient) == [Fixture.pcpID, Fixture.otherPracticeID], "one per practice")
        #expect(crisis.disclosures().allSatisfy { $0.category == .crisisNotice })
        #expect(MessagePriority.allCases.sorted() == [.routine, .urgent, .asap, .stat])
        #expect(throws: DomainError.missingValue(.messageRecipients)) {
            try CareMessage(id: "m", participantID: "p", sender: .program, recipients: [], category: .administrative,
                            text: "x", createdAt: Fixture.t0)
        }
        #expect(throws: DomainError.missingValue(.messageText)) {
            try CareMessage(id: "m", participantID: "p", sender: .program, recipients: [pcp], category: .administrative,
                            text: " \n\t", createdAt: Fixture.t0)
        }
    }

    @Test func summaryContent() throws {
        #expect(throws: DomainError.missingValue(.summaryPeriod)) {
            try ProgressSummary(id: "s", participantID: "p", period: .starting(Fixture.t0), authoredAt: Fixture.t0,
                                author: Fixture.clinician, attendance: AttendanceSummary())
        }
        #expect(throws: DomainError.invalidValue(.assessmentScore)) {
            try AssessmentResult(instrument: .gad7, score: 22, takenAt: Fixture.t0)
        }
        #expect(throws: DomainError.missingValue(.summarySectionText)) { try SummarySection(kind: .progress, text: "") }
        #expect(try Diagnosis(code: "F11.20").isSubstanceUseDisorderCode)
        #expect(try !Diagnosis(code: "F33.1").isSubstanceUseDisorderCode)
        #expect(throws: DomainError.missingValue(.diagnosisCode)) { try Diagnosis(code: " ") }
        // The permitted passage kinds are the 45 CFR 164.501 exclusions, and nothing else.
        #expect(Set(SummarySection.Kind.allCases.map(\.rawValue))
            == ["diagnosis", "functional-status", "progress", "prognosis", "symptoms", "treatment-plan"] as Set)
    }

    @Test func backupPhone() {
        let home = ContactPoint(system: .phone, value: "(206) 555-0101", use: .home, rank: 2)
        let mobile = ContactPoint(system: .phone, value: "(206) 555-0102", use: .mobile, rank: 1)
        let marked = ContactPoint(system: .phone, value: "(206) 555-0103", isSessionBackup: true)
        let email = ContactPoint(system: .email, value: "a@example.org", isSessionBackup: true)
        var person = Participant(id: "p", identifiers: [], name: PersonName(given: ["Wei"]), contacts: [email, home, mobile])
        #expect(person.backupPhone == mobile, "best-ranked phone when none is marked")
        person.contacts.append(marked)
        #expect(person.backupPhone == marked)
        person.contacts = [email]
        #expect(person.backupPhone == nil && !person.canFallBackToPhone)
    }

    @Test func ids() {
        let generated = Participant.ID.generate()
        #expect(generated.rawValue.count == 36 && generated.rawValue == generated.rawValue.lowercased())
        #expect(Participant.ID("a") < Participant.ID("b"))
    }
}
