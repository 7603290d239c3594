import Foundation
import GatewayTestSupport
import IOPDomain
import Testing

/// `DomainError` ends up in logs and `OperationOutcome`s: none of its renderings may contain
/// patient data. The errors are provoked with each sample participant's own values.
@Suite("DomainError never carries patient data")
struct DomainErrorPrivacyTests {
    /// Errors raised by operations fed with the case file's patient data.
    static func provokedErrors(_ file: DomainSampleCase) -> [DomainError] {
        var errors: [DomainError] = []
        func collect(_ body: () throws(DomainError) -> Void) {
            do { try body() } catch { errors.append(error) }
        }
        let person = file.participant
        var stranger = person
        stranger.identifiers = person.identifiers.map { .init(system: $0.system + "/other", value: $0.value) }
        collect { () throws(DomainError) in _ = try person.merged(with: stranger) }
        if let birth = person.birthDate {
            var twin = person
            twin.birthDate = try? CalendarDate(year: birth.year == 2000 ? 2001 : 2000, month: 1, day: 1)
            collect { () throws(DomainError) in _ = try person.merged(with: twin) }
            collect { () throws(DomainError) in _ = try CalendarDate(birth.description + "T00") }
            collect { () throws(DomainError) in _ = try CalendarDate(year: birth.year, month: 13, day: birth.day) }
        }
        for text in DomainSamples.patientDataStrings(of: person) {
            collect { () throws(DomainError) in _ = try CalendarDate(text) }
            collect { () throws(DomainError) in _ = try RxNormConcept(code: text, display: text) }
            collect { () throws(DomainError) in _ = try DoseQuantity(value: text, unit: text) }
            collect { () throws(DomainError) in
                _ = try EndpointTarget(baseURL: URL(string: "http://\(text.filter(\.isLetter).lowercased()).example.org")!,
                                       deliveryProfile: .conditionalCreate)
            }
        }
        var enrolment = file.enrolment
        collect { () throws(DomainError) in try enrolment.transition(to: .referred, at: .distantPast, reason: person.name.displayText) }
        collect { () throws(DomainError) in try enrolment.transition(to: enrolment.status, at: .distantFuture, reason: person.identifiers.first?.value) }
        for var session in file.sessions {
            collect { () throws(DomainError) in try session.cancel(at: .distantPast, reason: SessionStatusReason(.other, note: person.name.displayText)) }
            collect { () throws(DomainError) in try session.markAttended(at: .distantPast) }
        }
        collect { () throws(DomainError) in
            _ = try CareMessage(id: "m", participantID: person.id, sender: .program, recipients: [], category: .crisisNotice,
                                text: person.name.displayText, createdAt: file.now)
        }
        for var consent in file.consents {
            collect { () throws(DomainError) in try consent.revoke(at: .distantPast) }
        }
        return errors
    }

    @Test("descriptions contain no sample patient data", arguments: 0..<200)
    func noPatientData(seed: UInt64) throws {
        let file = DomainSamples.caseFile(seed: seed)
        let errors = Self.provokedErrors(file)
        #expect(errors.count >= 10)
        let secrets = file.patientDataStrings
        for error in errors {
            let renderings = [error.description, String(describing: error), String(reflecting: error),
                              error.localizedDescription, "\(error)",
                              String(decoding: try JSONEncoder().encode(error), as: UTF8.self)]
            for rendering in renderings {
                for secret in secrets {
                    #expect(!rendering.contains(secret), "\(error) renders patient data")
                }
            }
        }
    }

    @Test func everyCaseHasAReadableDescription() {
        let samples: [DomainError] = [
            .illegalEnrolmentTransition(from: .declined, to: .active), .illegalSessionTransition(from: .attended, to: .missed),
            .illegalPlanTransition(from: .completed, to: .active), .illegalMedicationTransition(from: .stopped, to: .active),
            .changeDatedBeforePrevious(.enrolmentHistory), .sessionNotStartedYet(.attended), .reasonRequired(.sessionStatusReason),
            .missingValue(.messageText), .invalidValue(.calendarDate), .periodEndsBeforeStart(.datePeriod),
            .noSharedIdentifier(.participantIdentifier), .identityConflict(.participantBirthDate),
            .invalidEndpoint(.insecureScheme), .invalidRevocation(.consentRevocation),
        ]
        for error in samples {
            #expect(!error.description.isEmpty && error.localizedDescription == error.description)
        }
        #expect(DomainError.illegalEnrolmentTransition(from: .declined, to: .active).description
            == "An enrolment cannot go from 'declined' to 'active'")
    }
}
