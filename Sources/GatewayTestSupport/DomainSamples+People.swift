import Foundation
import IOPDomain

private typealias Words = DomainSamplesVocabulary

extension DomainSamples {
    /// A birth date between 1940 and 2009, one in ten on a 29 February.
    public mutating func birthDate() -> CalendarDate {
        if chance(10) {
            let year = pick([1944, 1960, 1972, 1988, 1996, 2000, 2004, 2008])
            return Self.valid { () throws(DomainError) in try CalendarDate(year: year, month: 2, day: 29) }
        }
        let year = int(in: 1940...2009), month = int(in: 1...12)
        let day = int(in: 1...CalendarDate.daysIn(month: month, year: year))
        return Self.valid { () throws(DomainError) in try CalendarDate(year: year, month: month, day: day) }
    }

    /// A participant's name: usually given and family, sometimes two given names, a prefix or
    /// suffix, and now and then a mononym.
    public mutating func personName() -> PersonName {
        let mononym = chance(4)
        var given = [pick(Words.givenNames)]
        if chance(20) { given.append(pick(Words.givenNames)) }
        if mononym { return chance(50) ? PersonName(given: given.prefix(1).map { $0 }) : PersonName(family: pick(Words.familyNames)) }
        return PersonName(prefix: chance(15) ? [pick(Words.prefixes)] : [], given: given, family: pick(Words.familyNames),
                          suffix: chance(5) ? [pick(Words.suffixes)] : [])
    }

    /// A clinician with an NPI (10 digits) and a credential suffix.
    public mutating func clinician() -> Clinician {
        let npi = String(pick([1, 2])) + String((0..<9).map { _ in Character(String(int(in: 0...9))) })
        let name = PersonName(prefix: chance(50) ? ["Dr."] : [], given: [pick(Words.clinicianGiven)],
                              family: pick(Words.clinicianFamily), suffix: [pick(Words.credentials)])
        return Clinician(identifiers: chance(90) ? [BusinessIdentifier(system: BusinessIdentifier.Systems.npi, value: npi)] : [],
                         name: name)
    }

    /// A fictional phone number in the 555-01xx range, in one of the formats people type.
    public mutating func phoneNumber() -> String {
        let area = pick(Words.areaCodes), line = String(int(in: 100...199)).dropFirst()
        switch int(in: 0...3) {
        case 0: return "(\(area)) 555-01\(line)"
        case 1: return "+1 \(area) 555 01\(line)"
        case 2: return "\(area).555.01\(line)"
        default: return "+1-\(area)-555-01\(line)"
        }
    }

    /// Identifiers of a participant: always the IOP's MRN, often the PCP's MRN, sometimes a
    /// Medicaid or Medicare ID. Values keep leading zeros and mixed case.
    public mutating func participantIdentifiers(pcpPractice: PrimaryCarePractice.ID?) -> [Participant.Identifier] {
        var identifiers = [Participant.Identifier(system: "https://iop.example.org/fhir/sid/mrn",
                                                  value: "IOP" + digits(7))]
        if let pcpPractice, chance(70) {
            identifiers.append(.init(system: "urn:oid:2.16.840.1.113883.3.7777.\(abs(pcpPractice.rawValue.hashValueStable) % 90 + 10)",
                                     value: digits(int(in: 6...9))))
        }
        if chance(35) { identifiers.append(.init(system: "https://medicaid.example.gov/member-id", value: "Wa" + digits(8))) }
        if chance(15) {
            let mbi = "\(int(in: 1...9))EG\(int(in: 0...9))TE\(int(in: 0...9))MK\(int(in: 10...99))"
            identifiers.append(.init(system: BusinessIdentifier.Systems.medicare, value: mbi))
        }
        return identifiers
    }

    /// Contacts: phone-only participants get phones and maybe an SMS line; others also an
    /// e-mail. One phone is usually marked as the session back-up, but not always.
    public mutating func contacts(for name: PersonName, phoneOnly: Bool) -> [ContactPoint] {
        var contacts: [ContactPoint] = []
        let phoneCount = phoneOnly ? int(in: 1...2) : int(in: 0...2)
        let backupIndex = chance(80) ? int(in: 0...max(0, phoneCount - 1)) : -1
        for index in 0..<phoneCount {
            contacts.append(ContactPoint(system: .phone, value: phoneNumber(), use: pick([.mobile, .home, .work, nil]),
                                         rank: chance(50) ? index + 1 : nil, isSessionBackup: index == backupIndex))
        }
        if chance(30) { contacts.append(ContactPoint(system: .sms, value: phoneNumber(), use: .mobile)) }
        if !phoneOnly || chance(10) {
            let local = (name.given.first ?? name.family ?? "participant").lowercased()
                .filter { $0.isASCII && $0.isLetter }
            contacts.append(ContactPoint(system: .email, value: "\(local.isEmpty ? "p" : local)\(int(in: 1...999))@\(pick(Words.emailDomains))",
                                         use: pick([.home, .work, nil])))
        }
        return contacts
    }

    /// A participant. About one in five is phone-only, one in ten has no birth date, one in
    /// twelve has no PCP on file.
    public mutating func participant(pcp: PrimaryCareProvider? = nil) -> Participant {
        let name = personName()
        let phoneOnly = chance(20)
        let primaryCare = chance(92) ? pcp : nil
        return Participant(id: id(), identifiers: participantIdentifiers(pcpPractice: primaryCare?.practiceID), name: name,
                           birthDate: chance(90) ? birthDate() : nil, contacts: contacts(for: name, phoneOnly: phoneOnly),
                           connectionMode: phoneOnly ? .phoneOnly : .video, primaryCare: primaryCare)
    }

    /// An endpoint target with a sampled profile; one in fifteen is plain http on loopback.
    public mutating func endpointTarget(excluding used: URL? = nil) -> EndpointTarget {
        var url: URL
        repeat {
            url = chance(7) ? URL(string: "http://127.0.0.1:\(int(in: 8000...8999))/fhir")!
                : URL(string: "https://" + pick(DomainSamplesVocabulary.practiceHosts))!
        } while url.absoluteString == used?.absoluteString
        let profile = pick(DeliveryProfile.allCases)
        return Self.valid { () throws(DomainError) in try EndpointTarget(baseURL: url, deliveryProfile: profile) }
    }

    /// A PCP practice with an NPI and an endpoint, a third of them with a fallback.
    public mutating func practice() -> PrimaryCarePractice {
        let primary = endpointTarget()
        let fallback = chance(33) ? endpointTarget(excluding: primary.baseURL) : nil
        let name = pick(Words.practiceNames)
        let identifiers = [BusinessIdentifier(system: BusinessIdentifier.Systems.npi, value: "1" + digits(9))]
        let practiceID: PrimaryCarePractice.ID = id()
        return Self.valid { () throws(DomainError) in
            try PrimaryCarePractice(id: practiceID, name: name, identifiers: identifiers,
                                    endpoint: PracticeEndpoint(primary: primary, fallback: fallback))
        }
    }

    /// `count` random decimal digits (leading zeros kept).
    public mutating func digits(_ count: Int) -> String {
        String((0..<count).map { _ in Character(String(int(in: 0...9))) })
    }
}

extension String {
    /// A hash that is the same in every process (Swift's `hashValue` is seeded per process).
    var hashValueStable: Int {
        var hash: UInt32 = 2_166_136_261
        for byte in utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash)
    }
}
