import IOPDomain

/// The canonical URLs and codes of the IOP's conformance resources (`Profiles/README.md`) and of
/// the standard terminologies the mapper writes and reads.
public enum IOPCanonical {
    /// The gateway's canonical base; a resource it holds has the URL `<base>/<Type>/<id>`.
    public static let base = "http://iop-gateway.example.org/fhir"

    public enum Profile {
        public static let participant = base + "/StructureDefinition/iop-participant"
        public static let programSession = base + "/StructureDefinition/iop-program-session"
        public static let treatmentPlan = base + "/StructureDefinition/iop-treatment-plan"
        public static let medicationOrder = base + "/StructureDefinition/iop-medication-order"
        public static let careMessage = base + "/StructureDefinition/iop-care-message"
        public static let progressNote = base + "/StructureDefinition/iop-progress-note"
        public static let disclosureConsent = base + "/StructureDefinition/iop-disclosure-consent"
    }

    public enum Extension {
        public static let preferredChannel = base + "/StructureDefinition/iop-preferred-channel"
        public static let sessionChannel = base + "/StructureDefinition/iop-session-channel"
        public static let sessionsPerWeek = base + "/StructureDefinition/iop-sessions-per-week"
        public static let part2Covered = base + "/StructureDefinition/iop-part2-covered"
        /// Marks the phone to call when a video session fails
        /// (`ContactPoint` has no such flag).
        public static let sessionBackup = base + "/StructureDefinition/iop-session-backup"
        /// When a disclosure consent was revoked (R4 `Consent` has no
        /// element for it).
        public static let revokedAt = base + "/StructureDefinition/iop-revoked-at"
        /// Why a session was missed. R4's app-4 as published tests
        /// `status = 'no-show'`, a code that does not exist (the code is `noshow`), so a
        /// `cancelationReason` on a no-show fails validation; the reason goes here instead.
        public static let missedReason = base + "/StructureDefinition/iop-missed-reason"
    }

    public enum CodeSystem {
        public static let sessionKind = base + "/CodeSystem/iop-session-kind"
        public static let deliveryChannel = base + "/CodeSystem/iop-delivery-channel"
        public static let careMessageCategory = base + "/CodeSystem/iop-care-message-category"
        public static let carePlanCategory = base + "/CodeSystem/iop-careplan-category"
        /// `SessionStatusReason.Code` raw values.
        public static let sessionStatusReason = base + "/CodeSystem/iop-session-status-reason"
        /// `rescheduled`, telling a moved session from a cancelled one.
        public static let sessionOutcome = base + "/CodeSystem/iop-session-outcome"
        /// `DisclosureCategory` raw values in `Consent.provision.class`.
        public static let disclosureCategory = base + "/CodeSystem/iop-disclosure-category"
        /// `DeliveryProfile` raw values in `Endpoint.payloadType`.
        public static let deliveryProfile = base + "/CodeSystem/iop-delivery-profile"
        /// Not yet in `Profiles/`: `SummarySection.Kind` raw values (progress-note sections).
        public static let summarySection = base + "/CodeSystem/iop-summary-section"
    }

    /// Identifier systems the gateway issues.
    public enum IdentifierSystem {
        /// Shared by the `Appointment`s of one group or psychoeducation meeting.
        public static let groupMeeting = base + "/sid/group-meeting"
    }

    /// The IOP treatment plan's category code (a pattern in the profile).
    public static let treatmentPlanCategoryCode = "iop-treatment-plan"
}

/// Standard code systems.
enum Terminology {
    static let rxNorm = "http://www.nlm.nih.gov/research/umls/rxnorm"
    static let loinc = "http://loinc.org"
    static let confidentiality = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality"
    static let actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
    static let actReason = "http://terminology.hl7.org/CodeSystem/v3-ActReason"
    static let participationType = "http://terminology.hl7.org/CodeSystem/v3-ParticipationType"
    static let consentScope = "http://terminology.hl7.org/CodeSystem/consentscope"
    static let consentPolicy = "http://terminology.hl7.org/CodeSystem/consentpolicycodes"
    static let consentAction = "http://terminology.hl7.org/CodeSystem/consentaction"
    static let ucum = "http://unitsofmeasure.org"
    static let goalAchievement = "http://terminology.hl7.org/CodeSystem/goal-achievement"
    static let endpointConnectionType = "http://terminology.hl7.org/CodeSystem/endpoint-connection-type"
    static let resourceTypes = "http://hl7.org/fhir/resource-types"
    static let v20203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
    /// LOINC `11506-3` Progress note.
    static let progressNoteCode = "11506-3"
    /// LOINC `59284-0` Patient Consent.
    static let patientConsentCode = "59284-0"
}

/// `meta.security` codes (FHIR-RULES.md, "Security labels").
enum SecurityLabel {
    static let restricted = (Terminology.confidentiality, "R")
    static let psychiatry = (Terminology.actCode, "PSY")
    static let substanceAbuse = (Terminology.actCode, "ETH")
    static let part2 = (Terminology.actCode, "42CFRPart2")
    static let noRedisclosure = (Terminology.actCode, "NORDSCLCD")
    /// The codes that say a resource holds 42 CFR Part 2 records.
    static let part2Markers: Set<String> = ["ETH", "SUD", "42CFRPart2"]
}

extension IdentityPolicy {
    /// The default policy with the gateway's own identifier systems (`<base>/sid/…`) matching.
    public static var gateway: IdentityPolicy { IdentityPolicy().matching(systems: ownSystems) }

    /// A deployment's policy with the gateway's own systems added: they always match.
    public static func gateway(_ configured: IdentityPolicy) -> IdentityPolicy { configured.matching(systems: ownSystems) }

    static var ownSystems: [String] { [IOPCanonical.base + "/sid/*"] }
}
