import Foundation

extension ProgressSummary: Codable {
    private enum CodingKeys: String, CodingKey {
        case id, participantID, enrolmentID, period, authoredAt, author, attendance, attendanceByModality, modalities
        case diagnoses, assessments, sections, medications, medicationChanges, goals, upcomingSessions, riskFlags
        case reportsOnPart2Program
    }

    /// Lists that later versions added decode as empty when absent, so summaries stored before
    /// them still read.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        do {
            try self.init(
                id: c.decode(ID.self, forKey: .id), participantID: c.decode(Participant.ID.self, forKey: .participantID),
                enrolmentID: c.decodeIfPresent(Enrolment.ID.self, forKey: .enrolmentID), period: c.decode(DatePeriod.self, forKey: .period),
                authoredAt: c.decode(Date.self, forKey: .authoredAt), author: c.decode(Clinician.self, forKey: .author),
                attendance: c.decode(AttendanceSummary.self, forKey: .attendance),
                modalities: c.decodeIfPresent([ModalityFrequency].self, forKey: .modalities) ?? [],
                diagnoses: c.decodeIfPresent([Diagnosis].self, forKey: .diagnoses) ?? [],
                assessments: c.decodeIfPresent([AssessmentResult].self, forKey: .assessments) ?? [],
                sections: c.decodeIfPresent([SummarySection].self, forKey: .sections) ?? [],
                medications: c.decodeIfPresent([MedicationOrder].self, forKey: .medications) ?? [])
        } catch let error as DomainError {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "\(error)"))
        }
        attendanceByModality = try c.decodeIfPresent([ModalityAttendance].self, forKey: .attendanceByModality) ?? []
        medicationChanges = try c.decodeIfPresent([MedicationChange].self, forKey: .medicationChanges) ?? []
        goals = try c.decodeIfPresent([TreatmentGoal].self, forKey: .goals) ?? []
        upcomingSessions = try c.decodeIfPresent([UpcomingSession].self, forKey: .upcomingSessions) ?? []
        riskFlags = try c.decodeIfPresent([RiskFlag].self, forKey: .riskFlags) ?? []
        reportsOnPart2Program = try c.decodeIfPresent(Bool.self, forKey: .reportsOnPart2Program) ?? false
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(participantID, forKey: .participantID)
        try c.encodeIfPresent(enrolmentID, forKey: .enrolmentID)
        try c.encode(period, forKey: .period)
        try c.encode(authoredAt, forKey: .authoredAt)
        try c.encode(author, forKey: .author)
        try c.encode(attendance, forKey: .attendance)
        try c.encode(attendanceByModality, forKey: .attendanceByModality)
        try c.encode(modalities, forKey: .modalities)
        try c.encode(diagnoses, forKey: .diagnoses)
        try c.encode(assessments, forKey: .assessments)
        try c.encode(sections, forKey: .sections)
        try c.encode(medications, forKey: .medications)
        try c.encode(medicationChanges, forKey: .medicationChanges)
        try c.encode(goals, forKey: .goals)
        try c.encode(upcomingSessions, forKey: .upcomingSessions)
        try c.encode(riskFlags, forKey: .riskFlags)
        try c.encode(reportsOnPart2Program, forKey: .reportsOnPart2Program)
    }
}
