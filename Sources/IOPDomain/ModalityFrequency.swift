/// How often a modality is planned and how often it was attended in a summary's period.
public struct ModalityFrequency: Hashable, Sendable, Codable {
    public var modality: SessionModality
    public var plannedPerWeek: Int
    public var attended: Int

    public init(modality: SessionModality, plannedPerWeek: Int, attended: Int) {
        self.modality = modality
        self.plannedPerWeek = plannedPerWeek
        self.attended = attended
    }
}
