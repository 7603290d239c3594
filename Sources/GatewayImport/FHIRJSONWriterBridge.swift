import FHIRCore
import FHIRJSON

/// Issues as OperationOutcome JSON, for the ledger, the report and the quarantine folder.
enum FHIRJSONWriterBridge {
    static func outcome(_ issues: [Issue], pretty: Bool = false) -> [UInt8] {
        FHIRJSONWriter(pretty: pretty).write(issues.operationOutcome())
    }
}
