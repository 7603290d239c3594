/// What FHIR R4 (with the IOP profiles) cannot carry between the domain and FHIR, so that no
/// loss is silent. The inbound mapper reports each as a warning on the entry where it applies;
/// the round-trip tests compare the *carried projection* this list defines.
///
/// Domain → FHIR → domain:
/// - `Enrolment.history`: ServiceRequest has no status history (EpisodeOfCare, which has one,
///   is neither modelled nor profiled). The referral travels — date, identifiers, reason,
///   referring practice and clinician, Part 2 flag — with a coarse status (active, revoked for
///   declined, completed for discharged); inbound, an enrolment starts as `.referred`.
/// - `ProgramSession.statusChangedAt`: R4 Appointment has no date for its status; inbound
///   sessions are restored without it (which `ProgramSession(restoring:)` allows).
/// - `ProgramSession.plannedChannel`: Appointment has one channel (`iop-session-channel`), the one
///   used. An attended session on the phone of a participant whose connection mode is video is
///   read back as planned for video and attended by phone; otherwise planned = the channel.
/// - `CareMessage.priority`: written as `effectivePriority` (iop-5: a crisis notice is never
///   routine), so a crisis notice sent as routine comes back urgent.
/// - `CareParty.program` as a sender is written as no sender and read back from its absence.
/// - `TreatmentPlan` status history: only the current status; inbound it is reached again by
///   legal steps from draft.
/// - `ProgressSummary`: written as a progress note whose text/plain attachment is the summary
///   (`ProgressNoteText`); a received progress note is stored as received and not mapped back
///   (`.notForIOP`), since the gateway is the author of every progress summary it holds.
/// - `PrimaryCarePractice.endpoint`: carried as contained Endpoints whose `payloadType` names
///   the delivery profile; a PCP's Organization without a usable Endpoint gets
///   `FHIRInboundMapper.Configuration.unconfiguredEndpoint`, with a warning.
/// - A Patient without birth date, phone, PCP or name cannot claim `iop-participant`; it is
///   written against base R4 (`FHIROutboundMapper.participantProfileGaps`).
///
/// FHIR → domain (with a warning each): partial birth dates; names other than the preferred
/// one; contact points other than phone, sms and email, and their periods; the contact use
/// `old`; identifiers without system or value; referral statuses; extra dosage instructions and
/// unstated dose parts (recorded as one `{dose}` once a day, since `MedicationOrder.dose` is
/// required); payloads by reference or attachment; Communication statuses; a revocation
/// without a date (recorded at the signature, the cautious reading); purposes other than
/// treatment, payment and operations.
///
/// Extensions and code systems used here that `Profiles/` does not define yet (requested):
/// `iop-session-backup`, `iop-revoked-at`, `iop-missed-reason`, `iop-session-status-reason`, `iop-session-outcome`,
/// `iop-disclosure-category`, `iop-delivery-profile` (see `IOPCanonical`).
public enum MappingLimits {}
