import FHIRCore
import FHIRResources
import Foundation
import IOPDomain

/// MedicationRequest → MedicationOrder (RxNorm required).
extension InboundRun {
    func mapMedicationRequest(_ request: MedicationRequest, at position: Int) {
        var warnings: [Issue] = []
        let statusCode = request.status.value ?? ""
        if statusCode == "entered-in-error" {
            verdicts[position] = .notForIOP(reason: "A MedicationRequest entered in error is stored as received and not mapped")
            return
        }
        guard let participantID = participant(for: request.subject, from: position) else {
            unplaced(position, "subject", "The medication order's subject is not a Patient in the input")
            return
        }
        guard let concept = medicationConcept(request, at: position) else {
            refuse(position, "medicationReference", .required,
                   "The IOP needs the medication's code: the Medication reference resolves neither to a contained Medication "
                       + "nor to one in the input")
            return
        }
        guard let coding = concept.coding.first(where: { $0.system?.value == Terminology.rxNorm && $0.code?.value != nil }),
              let code = coding.code?.value else {
            refuse(position, "medicationCodeableConcept", .codeInvalid,
                   "The medication has no RxNorm coding; the IOP and the PCP reconcile medications by RxNorm")
            return
        }
        guard let medication = try? RxNormConcept(code: code, display: coding.display?.value ?? concept.text?.value ?? "RxNorm \(code)") else {
            refuse(position, "medicationCodeableConcept.coding", .codeInvalid, "The RxNorm code is not an RXCUI (digits only)")
            return
        }
        guard let authoredOn = date(request.authoredOn?.value) else {
            refuse(position, "authoredOn", .required, "The medication order has no date it was written")
            return
        }
        var status = MedicationOrderStatus(rawValue: statusCode) ?? .active
        if MedicationOrderStatus(rawValue: statusCode) == nil {
            warnings.append(warning(position, "status", "The status '\(statusCode)' is not carried; the order is recorded as active"))
        }
        if statusCode == "draft" { status = .draft }
        let prescriber = clinician(for: request.requester, from: position) ?? {
            warnings.append(warning(position, "requester", "The prescriber is not in the input; the order names nobody"))
            return Clinician(name: PersonName())
        }()
        if prescriber.name.isEmpty, request.requester != nil, !prescriber.identifiers.isEmpty {
            warnings.append(warning(position, "requester", "The prescriber's name is not in the input; only the identifier is carried"))
        }
        let dose = Self.dose(request.dosageInstruction.first, position: position, run: self, warnings: &warnings)
        if request.dosageInstruction.count > 1 {
            warnings.append(warning(position, "dosageInstruction", "Only the first dosage instruction is carried"))
        }
        let reasonText = request.reasonCode.first?.readableText
        let order = MedicationOrder(id: recordID("medication-order", at: position), participantID: participantID,
                                    medication: medication, dose: dose, prescriber: prescriber, status: status,
                                    authoredOn: authoredOn, reasonText: reasonText,
                                    containsPart2Data: input.entries[position].resource?.isLabelledPart2 ?? false)
        records.medicationOrders.append(order)
        verdicts[position] = .mapped(warnings: warnings)
    }

    /// The dose of the first instruction; what is missing is reported and filled with "one
    /// dose (`1 {dose}`) once a day", since `MedicationOrder` requires a dose (see MappingLimits).
    static func dose(_ dosage: Dosage?, position: Int, run: InboundRun, warnings: inout [Issue]) -> Dose {
        var value = "1", unit = "{dose}", times = 1, period = DosePeriod.day
        var complete = dosage != nil
        if let dosage {
            if let first = dosage.doseAndRate.first, case .quantity(let quantity)? = first.dose,
               let text = quantity.value?.value, (try? DoseQuantity(value: text, unit: "x")) != nil {
                value = text
                if let code = quantity.code?.value ?? quantity.unit?.value, code.contains(where: { !$0.isWhitespace }) {
                    unit = code
                } else { complete = false }
            } else { complete = false }
            if let repeats = dosage.timing?.repeat, let frequency = repeats.frequency?.int,
               let length = repeats.period?.double, let periodUnit = repeats.periodUnit?.value {
                switch (periodUnit, length) {
                case ("d", 1): times = frequency
                case ("wk", 1): times = frequency; period = .week
                case ("h", let hours) where hours > 0 && (24 / hours).rounded() == 24 / hours:
                    times = frequency * Int(24 / hours)
                default: complete = false
                }
                if !(1...24).contains(times) { times = 1; complete = false }
            } else { complete = false }
        }
        let asNeeded: Bool
        if case .boolean(let flag)? = dosage?.asNeeded { asNeeded = flag.bool ?? false } else { asNeeded = false }
        if !complete {
            warnings.append(run.warning(position, "dosageInstruction",
                                        "The dose or its frequency is not fully stated; what is missing is recorded as one dose once a day"))
        }
        let instructions = dosage?.patientInstruction?.value
        do {
            return try Dose(quantity: DoseQuantity(value: value, unit: unit), timesPerPeriod: times, period: period,
                            asNeeded: asNeeded, instructions: instructions)
        } catch {
            preconditionFailure("the dose values were checked")
        }
    }
}

extension InboundRun {
    /// The medication as coded: `medicationCodeableConcept`, or the `code` of the Medication that
    /// `medicationReference` names, contained or in the input (the shape most EHRs send).
    func medicationConcept(_ request: MedicationRequest, at position: Int) -> CodeableConcept? {
        switch request.medication {
        case .codeableConcept(let concept):
            return concept
        case .reference(let reference):
            guard let target = input.resolve(reference, from: position), let medication = input.resource(at: target) else { return nil }
            let element: FHIRElement
            switch medication {
            case .other(let other): element = other
            default: return nil
            }
            guard element.resourceType == "Medication", let code = element.child("code") else { return nil }
            return try? CodeableConcept(element: code)
        }
    }
}
