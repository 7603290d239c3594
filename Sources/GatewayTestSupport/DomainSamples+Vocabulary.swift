/// Fictional but realistic words the generator draws from. Names include diacritics,
/// apostrophes, hyphens, particles and non-Latin scripts, because EHR interfaces break on them.
enum DomainSamplesVocabulary {
    static let givenNames = [
        "Maria", "James", "Aaliyah", "José", "Zoë", "Siobhán", "Mohammed", "Wei", "Anaïs", "Kwame", "Olga", "Liam",
        "Priya", "Dakota", "Ana María", "Jean-Luc", "Thảo", "Ngozi", "Björn", "Chayton", "Hiroshi", "Fatima",
        "D'Andre", "Łukasz", "Renée", "Ximena", "Oluwaseun", "Mei-Ling", "Ælfric", "Søren",
    ]
    static let familyNames = [
        "García", "O'Brien", "Nguyễn", "Smith-Jones", "Johnson", "Kowalski", "Müller", "Okafor", "Tanaka",
        "Hernández", "de la Cruz", "Ní Bhriain", "Begay", "Patel", "Washington", "van der Berg", "Ali",
        "St. Clair", "MacLeod", "Østergaard", "Папова", "李", "Abu-Zahra", "Yellowhorse", "Fa'amausili",
    ]
    static let prefixes = ["Mr.", "Ms.", "Mx.", "Mrs."]
    static let suffixes = ["Jr.", "III", "Sr."]
    static let clinicianGiven = ["Rebecca", "Arjun", "Lucía", "Samuel", "Grace", "Tomasz", "Amara", "Daniel"]
    static let clinicianFamily = ["Whitfield", "Raman", "Ortega", "Kim", "Abernathy", "Nowak", "Mensah", "Levi"]
    static let credentials = ["MD", "DO", "PMHNP-BC", "LCSW", "PhD", "LMFT", "NP"]
    static let areaCodes = ["206", "509", "360", "253", "425", "971", "503", "208"]
    static let emailDomains = ["example.com", "example.net", "example.org"]

    static let practiceNames = [
        "Cedar Family Medicine", "Northside Community Health Center", "Clínica Familiar del Valle",
        "Harbor Internal Medicine & Pediatrics", "Riverbend Primary Care", "Sound View Family Practice",
        "Tribal Health Clinic — Primary Care", "O'Connell & Associates Family Health",
    ]
    static let practiceHosts = [
        "fhir.cedarfm.example.org/r4", "ehr.northside.example.com/fhir/api/FHIR/R4", "fhir.valle.example.net/baseR4",
        "api.harbor-im.example.org/fhir", "fhir.riverbend.example.com/R4/", "soundview.example.net/interconnect/fhir",
    ]

    static let referralReasons = [
        "Worsening depression despite SSRI trial; passive SI, no plan.", "Step-down after inpatient stay for bipolar II depression.",
        "Panic attacks with agoraphobia, unable to work.", "PTSD symptoms after MVA; nightmares, avoidance.",
        "Co-occurring alcohol use disorder and depression.", "Opioid use disorder on buprenorphine; anxiety.",
    ]

    /// (code, display, typical Part 2 candidate)
    static let diagnoses: [(String, String, Bool)] = [
        ("F33.1", "Major depressive disorder, recurrent, moderate", false),
        ("F32.2", "Major depressive disorder, single episode, severe without psychotic features", false),
        ("F41.1", "Generalized anxiety disorder", false),
        ("F43.10", "Post-traumatic stress disorder, unspecified", false),
        ("F31.81", "Bipolar II disorder", false),
        ("F60.3", "Borderline personality disorder", false),
        ("F41.0", "Panic disorder [episodic paroxysmal anxiety]", false),
        ("F10.20", "Alcohol dependence, uncomplicated", true),
        ("F11.20", "Opioid dependence, uncomplicated", true),
        ("F12.20", "Cannabis dependence, uncomplicated", true),
    ]

    /// (RXCUI, display, dose value, unit, times per day, as needed, SUD treatment).
    /// Illustrative sample data, not a terminology source.
    static let medications: [(String, String, String, String, Int, Bool, Bool)] = [
        ("312940", "sertraline 50 MG Oral Tablet", "50", "mg", 1, false, false),
        ("312941", "sertraline 100 MG Oral Tablet", "12.5", "mg", 1, false, false),
        ("310385", "fluoxetine 20 MG Oral Capsule", "20", "mg", 1, false, false),
        ("349332", "escitalopram 10 MG Oral Tablet", "10", "mg", 1, false, false),
        ("312743", "quetiapine 25 MG Oral Tablet", "25", "mg", 1, true, false),
        ("993503", "bupropion hydrochloride 150 MG 12HR Extended Release Oral Tablet", "150", "mg", 2, false, false),
        ("197889", "lithium carbonate 300 MG Oral Capsule", "300", "mg", 2, false, false),
        ("995218", "hydroxyzine hydrochloride 25 MG Oral Tablet", "25", "mg", 3, true, false),
        ("197901", "lorazepam 0.5 MG Oral Tablet", "0.50", "mg", 2, true, false),
        ("198045", "prazosin 1 MG Oral Capsule", "1.0", "mg", 1, false, false),
        ("1010608", "buprenorphine 8 MG / naloxone 2 MG Sublingual Film", "8", "mg", 1, false, true),
        ("1483744", "naltrexone 50 MG Oral Tablet", "0.5", "{tbl}", 1, false, true),
    ]

    static let goals = [
        ("Reduce depressive symptoms", "PHQ-9 below 10"), ("Return to work part-time", nil),
        ("Use two distress-tolerance skills when urges arise", "Diary card, 5 of 7 days"),
        ("Sleep at least 6 hours a night", "Sleep log"), ("Maintain abstinence from alcohol", "Self-report and PEth"),
        ("Reduce panic attacks to fewer than one a week", nil),
    ]
    static let activityDetails = [
        "DBT skills group", "CBT for depression", "Relapse-prevention group", "Family sessions with spouse",
        "Medication review", "Psychoeducation: sleep and mood", nil,
    ]
    static let sectionTexts: [String] = [
        "Attends 3 days a week; engaged in group.", "Mood improved; PHQ-9 from 19 to 11 over four weeks.",
        "Sleeping 6–7 h; appetite normal. Reports fewer panic episodes.",
        "Functional status: returned to half-time work on 2024-05-06.",
        "Prognosis fair to good with continued step-down care.",
        "Continue IOP three days a week; step down to weekly outpatient therapy in ~3 weeks.",
        "Symptoms:\n- low mood (improving)\n- insomnia (resolved)\n- irritability",
        "Text with \"quotes\", <angle brackets> & ampersands — and an emoji 🙂.",
    ]
    static let messageTexts: [String] = [
        "Participant attended 9 of 10 scheduled sessions this period.",
        "Tomorrow's 10:00 group session moves to 13:00 because of a video platform outage.",
        "Intake assessment booked; we will send a summary after the first week.",
        "Sertraline increased from 50 mg to 100 mg daily; please update your medication list.",
        "Crisis notice: participant disclosed increased suicidal ideation today. Safety plan reviewed; mobile crisis team contacted. Please call the IOP on-call line.",
        "Discharged from the IOP after completing the program; referred to weekly outpatient therapy.",
        "Multi-line\nmessage\r\nwith CRLF, tabs\tand trailing spaces   ",
    ]
    static let statusNotes = [
        "Vendor status page confirmed outage 09:40–11:15.", "Participant called ahead.", "Clinician out sick.",
        "No answer on back-up phone.", nil, nil,
    ]
}
